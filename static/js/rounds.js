/* Endorsement rounds: the live tally, the open-round form and the ballot's hints.
   Pages work without it; this only adds live updates and conveniences. No inline scripts (CSP). */
(function () {
  "use strict";

  /* The round page: join the round's room and fetch the tally fragment again on `tally_updated`. */
  function liveTally() {
    var box = document.querySelector("#tally[data-live]");
    if (!box || typeof io === "undefined") return;
    var roundId = Number(box.dataset.roundId);
    var status = document.querySelector("[data-tally-status]");
    var timer = null, busy = false, again = false, joined = false;
    var socket = io();

    socket.on("connect", function () {
      socket.emit("join_round", { round_id: roundId }, function (answer) {
        if (answer && answer.ok) {
          box.dataset.joined = "true";
          if (joined) schedule(); // a reconnection: catch up on what was missed
          joined = true;
        }
      });
    });
    socket.on("disconnect", function (reason) {
      // The server closes a socket whose sign-in ended (signed out everywhere, suspended, removed from the
      // group); the client does not retry that on its own. Connect again as whoever the cookie says now.
      box.dataset.joined = "false";
      if (reason === "io server disconnect") window.setTimeout(function () { socket.connect(); }, 1000);
    });
    socket.on("tally_updated", function (data) {
      if (data && Number(data.round_id) === roundId) schedule();
    });
    // Taken out of the round's room (its document is no longer readable by this reader): the page
    // shows what the reader may see now.
    socket.on("access_lost", function (data) {
      if (data && Number(data.round_id) === roundId) window.location.reload();
    });

    function schedule() {
      if (!timer) timer = window.setTimeout(refresh, 150); // several positions at once, one fetch
    }

    function refresh() {
      timer = null;
      if (busy) { again = true; return; }
      busy = true;
      fetch(box.dataset.fragmentUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("tally " + response.status);
          return response.text();
        })
        .then(function (html) {
          var openTables = box.querySelectorAll("details.map-table[open]").length > 0;
          var folds = foldState(box);
          box.innerHTML = html; // our own server-rendered, escaped fragment
          if (openTables) box.querySelectorAll("details.map-table").forEach(function (d) { d.open = true; });
          restoreFolds(box, folds);
          box.dataset.version = String(Number(box.dataset.version || 0) + 1);
          if (box.querySelector("[data-frozen]")) { window.location.reload(); return; }
          if (status) status.textContent = status.dataset.message || "Tally updated";
        })
        .catch(function () { /* keep showing the last tally; the next event tries again */ })
        .then(function () {
          busy = false;
          if (again) { again = false; schedule(); }
        });
    }
  }

  /* Folded sections: a live refresh keeps each one as the reader left it. */
  function foldState(root) {
    var state = {};
    root.querySelectorAll("details[data-fold]").forEach(function (d) { state[d.dataset.fold] = d.open; });
    return state;
  }

  function restoreFolds(root, state) {
    root.querySelectorAll("details[data-fold]").forEach(function (d) {
      if (Object.prototype.hasOwnProperty.call(state, d.dataset.fold)) d.open = state[d.dataset.fold];
    });
  }

  /* A link to a folded section (#item-12 from the map's table, #record) opens it. */
  function openLinkedFold() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var fold = target.matches("details[data-fold]") ? target : target.querySelector(":scope > details[data-fold]");
    for (var d = fold || target.closest("details[data-fold]"); d; d = d.parentElement && d.parentElement.closest("details[data-fold]")) {
      d.open = true;
    }
    if (fold) target.scrollIntoView();
  }

  /* Open-round form: the clause checklist matters only for "Chosen clauses". */
  function openRoundForm() {
    var form = document.querySelector("[data-open-round-form]");
    if (!form) return;
    var choices = form.querySelector("[data-clause-choices]");
    function update() {
      var scope = form.querySelector("input[name=scope]:checked");
      choices.hidden = !scope || scope.value !== "chosen";
    }
    form.addEventListener("change", update);
    update();
  }

  /* Ballot: the statement is required for reservations and objections; "formal" only with an objection. */
  function ballot() {
    document.querySelectorAll("[data-ballot] .ballot-item").forEach(function (item) {
      var statement = item.querySelector("[data-statement-field]");
      var formal = item.querySelector("[data-formal-field] input");
      function update() {
        var chosen = item.querySelector("input[type=radio]:checked");
        var value = chosen ? chosen.value : "";
        var needsStatement = value === "endorse_with_reservations" || value === "object";
        statement.classList.toggle("is-required", needsStatement);
        statement.querySelector("textarea").setAttribute("aria-required", needsStatement ? "true" : "false");
        formal.disabled = value !== "object";
        if (formal.disabled) formal.checked = false;
        item.classList.toggle("ballot-item--chosen", Boolean(value));
      }
      item.addEventListener("change", update);
      update();
    });
    var errors = document.querySelector("[data-ballot-errors]");
    if (errors) errors.focus();
  }

  /* Buttons that end something ask first. */
  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  openLinkedFold();
  window.addEventListener("hashchange", openLinkedFold);
  liveTally();
  openRoundForm();
  ballot();
  confirmations();
})();
