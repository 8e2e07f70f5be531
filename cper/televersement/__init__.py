"""The one gate every uploaded byte goes through, and the one way private files are served.

`controle.controler(fichier, usage=...)` checks a file; `forms.FichierControleField(usage=...)`
puts that check next to a form field; `reponses.servir_fichier(...)` answers a download.
"""
