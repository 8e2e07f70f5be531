"""`manage.py bench`: every page of the speed budget measured on a scratch database."""
