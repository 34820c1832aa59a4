"""The bot's screens and messages as Telegram HTML and keyboards of its own model (`keyboards`): residents',
partners' (the card on Telegram and by e-mail) and staff's; the callback-data codec (`callback`) and the
splitting of long texts (`split`). No I/O and no Telegram types here."""
