// The dossier form: warn before leaving unsaved input, add lines without a round trip,
// and the keyboard side of the communes combobox (WAI-ARIA APG combobox with listbox popup).
(() => {
  // A page coming back with errors puts the keyboard on their summary first.
  const resume = document.getElementById("resume-erreurs");
  if (resume) {
    resume.focus();
  }

  // --- unsaved input -----------------------------------------------------------------------
  let modifie = false;
  document.querySelectorAll("form[data-brouillon]").forEach((form) => {
    form.addEventListener("input", () => {
      modifie = true;
    });
    form.addEventListener("submit", () => {
      modifie = false;
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (modifie) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- formset lines -----------------------------------------------------------------------
  document.querySelectorAll("[data-formset]").forEach((bloc) => {
    const prefixe = bloc.dataset.formset;
    const total = bloc.querySelector(`input[name="${prefixe}-TOTAL_FORMS"]`);
    const modele = bloc.querySelector("template[data-ligne-vide]");
    const bouton = bloc.querySelector("[data-ajouter-ligne]");
    if (!total || !modele || !bouton) {
      return;
    }
    bouton.hidden = false;
    bouton.addEventListener("click", () => {
      const index = Number(total.value);
      const html = modele.innerHTML.replace(/__prefix__/g, String(index));
      const conteneur = document.createElement("div");
      conteneur.innerHTML = html;
      const ligne = conteneur.firstElementChild;
      const legende = ligne.querySelector("legend");
      if (legende) {
        legende.textContent = legende.textContent.replace("(nouvelle)", `n° ${index + 1}`);
      }
      bloc.querySelector("[data-lignes]").appendChild(ligne);
      total.value = String(index + 1);
      const premier = ligne.querySelector("select, input:not([type=hidden]), textarea");
      if (premier) {
        premier.focus();
      }
    });
  });

  // --- communes combobox -------------------------------------------------------------------
  const champ = document.querySelector('[data-combobox] input[role="combobox"]');
  const liste = document.getElementById("communes-suggestions");
  const statut = document.getElementById("communes-statut");
  const ajout = document.getElementById("ajout-commune");
  if (!champ || !liste || !ajout) {
    return;
  }
  let active = -1;

  const options = () => Array.from(liste.querySelectorAll('[role="option"]'));
  const fermer = () => {
    liste.replaceChildren();
    champ.setAttribute("aria-expanded", "false");
    champ.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const activer = (index) => {
    const toutes = options();
    if (!toutes.length) {
      return;
    }
    active = (index + toutes.length) % toutes.length;
    toutes.forEach((option, i) => {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    champ.setAttribute("aria-activedescendant", toutes[active].id);
    toutes[active].scrollIntoView({ block: "nearest" });
  };
  const choisir = (option) => {
    document.getElementById("commune-choisie").value = option.dataset.commune;
    ajout.submit();
  };

  liste.addEventListener("htmx:afterSwap", () => {
    const n = options().length;
    active = -1;
    champ.removeAttribute("aria-activedescendant");
    champ.setAttribute("aria-expanded", n ? "true" : "false");
    if (statut) {
      statut.textContent =
        champ.value.trim().length < 2
          ? ""
          : n
            ? `${n} commune${n > 1 ? "s" : ""} proposée${n > 1 ? "s" : ""}, flèches haut et bas pour parcourir, Entrée pour ajouter.`
            : "Aucune commune ne correspond.";
    }
  });
  // Keep the focus in the field while an option is clicked, so that blur does not close the list.
  liste.addEventListener("mousedown", (event) => {
    event.preventDefault();
  });
  champ.addEventListener("blur", fermer);
  liste.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) {
      choisir(option);
    }
  });
  champ.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      activer(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      activer(active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choisir(options()[active]);
    } else if (event.key === "Escape") {
      fermer();
    }
  });
})();
