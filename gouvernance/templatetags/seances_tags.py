"""Tags of the séance pages."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# A run of white space that holds a line break: the template's indentation, repeated for each
# item of a loop.
_INDENTATION = re.compile(r"[ \t]*\n\s*")


class _ResserreNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return mark_safe(_INDENTATION.sub("\n", self.nodelist.render(context)))  # noqa: S308


@register.tag
def resserre(parser, token):
    """`{% resserre %}…{% endresserre %}`: each run of white space that holds a line break
    becomes one line break, which a browser shows as the same one space (the agenda of a séance
    repeated its indentation in 10 to 20 KB). Never around <pre> or <textarea>, whose white space
    shows.
    """
    nodelist = parser.parse(("endresserre",))
    parser.delete_first_token()
    return _ResserreNode(nodelist)
