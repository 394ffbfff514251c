"""The digest's unsubscribe link: signed, so it needs no login and cannot be forged."""

from django.core import signing

SALT = "personal.digest.unsubscribe"


def unsubscribe_token(user):
    return signing.dumps(user.pk, salt=SALT)


def user_id_of(token):
    """The user id the token was made for; raises signing.BadSignature if tampered with."""
    return signing.loads(token, salt=SALT)
