"""The waiting-room kiosk (Textual). Only `app`, `screens` and `widgets` import Textual."""
