"""Markup built in Python for the hot paths (a page's rows, its form fields).

`echapper` is Django's `conditional_escape` without its lazy-string wrapper, which costs more
than the escaping itself when a page escapes a thousand values: a value that is already markup
(`__html__`, a SafeString) is kept, anything else is `html.escape`d as Django does.
"""

import html


def echapper(valeur) -> str:
    if hasattr(valeur, "__html__"):
        return valeur.__html__()
    return html.escape(str(valeur))
