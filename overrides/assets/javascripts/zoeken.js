// Start Pagefind UI op de zoekpagina. De taal (Nederlands) volgt uit <html lang="nl">.
(function () {
  function start() {
    var ui = new PagefindUI({
      element: "#zoeken",
      showSubResults: true,
      showImages: false,
      autofocus: true,
      resetStyles: false,
      // Pagefind's Nederlandse teksten zijn niet compleet ("Reset" bleef Engels).
      translations: {
        placeholder: "Zoek in het helpcentrum",
        clear_search: "Wissen",
        load_more: "Meer resultaten laden",
        search_label: "Zoek in het helpcentrum"
      }
    });
    // axe label-title-only: Pagefind zet de naam van het zoekvak alleen in 'title'.
    var input = document.querySelector("#zoeken input");
    if (input) {
      input.setAttribute("aria-label", "Zoek in het helpcentrum");
    }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      ui.triggerSearch(q);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
