// Start Pagefind UI op de zoekpagina. De taal (Nederlands) volgt uit <html lang="nl">.
//
// Vóór het zoeken past processTerm de zoekvraag aan, zoals een lezer hem bedoelt:
// - woorden als "hoe", "ik", "mijn" vallen weg (Pagefind zoekt anders naar pagina's met álle woorden);
// - een woord dat nergens op de site staat en één letter verschilt van een woord dat er wel staat,
//   wordt dat woord (één tikfout). De woordenlijst (pagefind/wl-woorden.json) maakt
//   'formgen site index' na de build; synoniemen en delen van samenstellingen zitten al in de
//   index, accenten vouwt Pagefind zelf (prive = privé).
// Vindt de zoekvraag niets, dan toont de pagina de hoofdartikelen en de weg naar de klantenservice.
(function () {
  "use strict";

  var STOPWOORDEN = new Set(("aan al als ben bij dan dat de deze die dit doe doen een en er ga gaat " +
    "had heb hebben heeft het hoe ik in is je kan kun kunnen kunt me mij mijn moet moeten na naar " +
    "niet nu of om ons onze ook op te tot u uw van voor waar wanneer wat we welk welke wij wil " +
    "wilt word wordt zijn zo").split(" "));
  var woorden = null; // Set met gevouwen woorden van de site
  var lijst = [];

  function vouw(w) {
    return w.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  // Damerau-Levenshtein-afstand is precies 1 (vervangen, weglaten, toevoegen, omwisselen)?
  function eenFout(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function bekend(w) {
    if (woorden.has(w)) return true;
    for (var i = 0; i < lijst.length; i++) {
      var v = lijst[i];
      if (v.startsWith(w)) return true; // Pagefind vindt ook het begin van een woord
      if (v.length >= 4 && w.startsWith(v) && w.length - v.length <= 3) return true; // buigingen
    }
    return false;
  }

  function verbeter(woord) {
    var w = vouw(woord);
    if (!woorden || w.length < 4 || bekend(w)) return woord;
    var beste = null;
    for (var i = 0; i < lijst.length; i++) {
      var v = lijst[i];
      if (eenFout(w, v) && (beste === null || (v[0] === w[0] && beste[0] !== w[0]))) beste = v;
    }
    return beste || woord;
  }

  function verwerk(term) {
    var delen = term.split(/\s+/).filter(Boolean);
    var over = delen.filter(function (d) { return !STOPWOORDEN.has(vouw(d)); });
    return (over.length ? over : delen).map(verbeter).join(" ");
  }

  function geenResultaten(container) {
    var boxen = document.querySelectorAll("[data-wl-geen-resultaten]");
    var check = function () {
      var input = container.querySelector("input");
      var bericht = container.querySelector(".pagefind-ui__message");
      var leeg = !!(input && input.value.trim() && bericht &&
        bericht.textContent.indexOf("Geen resultaten") === 0 &&
        !container.querySelector(".pagefind-ui__result"));
      boxen.forEach(function (b) { b.hidden = !leeg; });
    };
    new MutationObserver(check).observe(container, { childList: true, subtree: true, characterData: true });
  }

  function start() {
    var container = document.querySelector("#zoeken");
    var bundel = document.querySelector("script[src$='pagefind-ui.js']").src.replace(/pagefind-ui\.js$/, "");
    var ui = new PagefindUI({
      element: "#zoeken",
      showSubResults: true,
      showImages: false,
      autofocus: true,
      resetStyles: false,
      processTerm: verwerk,
      // Onzichtbare zoekwoorden (formgen/site/search.py): 'zoekwoorden' komen uit de titel en de
      // tussenkoppen van een artikel en tellen zwaar, 'woorddelen' uit de rest van de tekst licht.
      ranking: { metaWeights: { zoekwoorden: 3, woorddelen: 0.5 } },
      // Pagefind toont metadata als labels bij een resultaat: de zoekwoorden zijn alleen voor
      // de index, dus weg voordat het resultaat op het scherm komt. Werd een artikel alleen via
      // een zoekwoord gevonden (geen woord uit de tekst), dan toont het de korte beschrijving.
      processResult: function (resultaat) {
        var meta = resultaat.meta || {};
        if (!(resultaat.locations || []).length && meta.beschrijving) {
          var div = document.createElement("div");
          div.textContent = meta.beschrijving;
          resultaat.excerpt = div.innerHTML;
          // Met showSubResults toont Pagefind de tekst van het eerste subresultaat op de pagina zelf.
          resultaat.sub_results = [{ title: meta.title, url: resultaat.url, excerpt: div.innerHTML,
                                     locations: [], weighted_locations: [] }];
        }
        delete meta.zoekwoorden;
        delete meta.woorddelen;
        delete meta.beschrijving;
        return resultaat;
      },
      // Pagefind's Nederlandse teksten zijn niet compleet ("Reset" bleef Engels).
      translations: {
        placeholder: "Zoek in het helpcentrum",
        clear_search: "Wissen",
        load_more: "Meer resultaten laden",
        search_label: "Zoek in het helpcentrum",
        zero_results: "Geen resultaten voor [SEARCH_TERM]"
      }
    });
    // axe label-title-only: Pagefind zet de naam van het zoekvak alleen in 'title'.
    var input = container.querySelector("input");
    if (input) input.setAttribute("aria-label", "Zoek in het helpcentrum");
    geenResultaten(container);
    var q = new URLSearchParams(window.location.search).get("q");
    fetch(bundel + "wl-woorden.json")
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; })
      .then(function (lijstVanSite) {
        lijst = lijstVanSite.map(vouw);
        woorden = new Set(lijst);
        if (q) ui.triggerSearch(q);
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
