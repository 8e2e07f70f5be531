from . import jetons, webhooks  # noqa: F401
