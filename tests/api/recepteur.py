"""A real HTTP receiver of webhooks, started by a test on a free port of this machine."""

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recu:
    chemin: str
    entetes: dict[str, str]
    corps: bytes


@dataclass
class Reponse:
    statut: int = 200
    corps: bytes = b"ok"
    entetes: dict[str, str] = field(default_factory=dict)


class _Gestionnaire(BaseHTTPRequestHandler):
    def do_POST(self):
        recepteur = self.server.recepteur
        corps = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # Recorded before answering: once the sender has its answer, the test sees the request.
        recepteur.recus.append(
            Recu(self.path, {k.lower(): v for k, v in self.headers.items()}, corps)
        )
        recepteur.arrivee.set()
        reponse = recepteur.reponses.popleft() if recepteur.reponses else recepteur.par_defaut
        self.send_response(reponse.statut)
        for nom, valeur in reponse.entetes.items():
            self.send_header(nom, valeur)
        self.send_header("Content-Length", str(len(reponse.corps)))
        self.end_headers()
        self.wfile.write(reponse.corps)

    def log_message(self, *args):
        pass


class Recepteur:
    """Answers each POST with the next of `reponses` (then `par_defaut`) and keeps what came."""

    def __init__(self):
        self.recus: list[Recu] = []
        self.reponses: deque[Reponse] = deque()
        self.par_defaut = Reponse()
        self.arrivee = threading.Event()
        self._serveur = ThreadingHTTPServer(("127.0.0.1", 0), _Gestionnaire)
        self._serveur.recepteur = self
        self._fil = threading.Thread(target=self._serveur.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._serveur.server_address[1]}/webhooks/cper"

    def repondre(self, *statuts: int) -> None:
        self.reponses.extend(Reponse(statut=s) for s in statuts)

    def demarrer(self) -> "Recepteur":
        self._fil.start()
        return self

    def arreter(self) -> None:
        self._serveur.shutdown()
        self._serveur.server_close()
