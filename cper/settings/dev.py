"""Local development: DEBUG only if asked for, a throw-away secret key."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)

if DEBUG:  # noqa: F405
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
