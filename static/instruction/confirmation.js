// Forms with data-confirmation ask before acting on several dossiers at once.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirmation;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
