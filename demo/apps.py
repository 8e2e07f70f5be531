from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the benchmark: the top floor, which may import every other one."""

    name = "demo"
    verbose_name = "Démonstration"
