// The report's copy buttons: a button with data-copy puts that value on the clipboard.
// A file of its own: the report's Content-Security-Policy runs no inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  navigator.clipboard.writeText(button.dataset.copy).then(
    () => { button.textContent = "Gekopieerd"; },
    () => { button.textContent = "Kopiëren lukt niet: selecteer de waarde"; });
});
