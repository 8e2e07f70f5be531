"""Cursor pagination: a stable page whatever is added meanwhile, on an index (no OFFSET)."""

from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class Curseur(CursorPagination):
    page_size = 50
    page_size_query_param = "taille"
    max_page_size = 200
    cursor_query_param = "curseur"
    ordering = "-pk"
    invalid_cursor_message = "Curseur invalide."

    def get_paginated_response(self, data):
        return Response(
            {
                "suivant": self.get_next_link(),
                "precedent": self.get_previous_link(),
                "resultats": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        lien = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["suivant", "precedent", "resultats"],
            "properties": {"suivant": lien, "precedent": lien, "resultats": schema},
        }
