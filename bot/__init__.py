"""Quartiersbot: the multilingual help desk of the Ost- und Westsiedlung in Salzgitter."""
