from . import webhooks  # noqa: F401
