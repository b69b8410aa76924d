"""Mail that comes back: replies to svar+ addresses become drafts, delivery status
notifications to retur+ addresses mark what bounced. ``handling.handle`` is the one
service; the SMTP listener (``listener``) and the IMAP mailbox (``mailbox``) feed it."""
