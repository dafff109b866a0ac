/* The working-draft editor: autosave each clause through the API with its revision, a visible saved
   state, both texts side by side when someone else saved the clause first, and others' edits live
   (Socket.IO room of the draft, with who is editing which clause). Without this script every clause
   still has its Save button and every tool is a plain form. */
(function () {
  "use strict";

  var root = document.querySelector("[data-draft]");
  if (!root || !window.fetch) return;
  root.classList.add("draft--live");
  var draftId = Number(root.dataset.draft);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  var stateEl = document.querySelector("[data-save-state]");
  var presenceEl = document.querySelector("[data-draft-presence]");
  var DELAY = 800;
  var clauses = {};

  function text(name, values) {
    var s = root.dataset["text" + name] || "";
    Object.keys(values || {}).forEach(function (k) { s = s.replace("%(" + k + ")s", values[k]); });
    return s;
  }

  function setState(kind, message) {
    if (!stateEl) return;
    stateEl.className = "draft-state draft-state--" + kind;
    stateEl.textContent = message;
  }

  function overall() {
    var keys = Object.keys(clauses);
    if (keys.some(function (k) { return clauses[k].conflict; })) return setState("conflict", text("Conflict"));
    if (keys.some(function (k) { return clauses[k].saving; })) return setState("saving", text("Saving"));
    if (keys.some(function (k) { return clauses[k].dirty; })) return setState("unsaved", text("Unsaved"));
    setState("saved", text("Saved"));
  }

  function setRevision(clause, revision) {
    clause.revision = revision;
    clause.el.dataset.revision = revision;
    clause.el.querySelectorAll('input[name="revision"]').forEach(function (input) { input.value = revision; });
  }

  function api(method, url, body) {
    return fetch("/api/v1/working-drafts/" + draftId + url, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {status: response.status, data: data};
      });
    });
  }

  function save(clause) {
    window.clearTimeout(clause.timer);
    if (clause.saving) { clause.again = true; return clause.saving; }
    if (!clause.dirty || clause.conflict) return Promise.resolve();
    var sent = {text: clause.textarea.value, heading: clause.heading.value || null, revision: clause.revision};
    overall();
    clause.saving = api("PATCH", "/clauses/" + clause.key, sent).then(function (result) {
      clause.saving = null;
      if (result.status === 200) {
        setRevision(clause, result.data.revision);
        clause.dirty = clause.textarea.value !== sent.text || (clause.heading.value || null) !== sent.heading;
        clause.stateEl.textContent = "";
      } else if (result.status === 409 && result.data.current) {
        showConflict(clause, result.data.current);
      } else {
        var message = result.data.error ? result.data.error.message : String(result.status);
        clause.stateEl.textContent = text("Failed", {reason: message});
      }
      overall();
      if (clause.again || (clause.dirty && !clause.conflict)) { clause.again = false; schedule(clause); }
    }, function () {
      clause.saving = null;
      clause.stateEl.textContent = text("Failed", {reason: "network"});
      overall();
    });
    return clause.saving;
  }

  function schedule(clause) {
    window.clearTimeout(clause.timer);
    clause.timer = window.setTimeout(function () { save(clause); }, DELAY);
  }

  function showConflict(clause, current) {
    clause.conflict = current;
    var box = document.createElement("div");
    box.className = "draft-clause__conflict";
    box.setAttribute("role", "alert");
    var note = document.createElement("p");
    note.textContent = text("Conflict");
    var title = document.createElement("p");
    title.className = "hint";
    title.textContent = text("Theirs");
    var theirs = document.createElement("pre");
    theirs.className = "conflict__text";
    theirs.textContent = current.text;
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button button--small";
    keep.textContent = text("KeepMine");
    var take = document.createElement("button");
    take.type = "button";
    take.className = "button button--small button--secondary";
    take.textContent = text("TakeTheirs");
    keep.addEventListener("click", function () {
      setRevision(clause, current.revision);
      box.remove();
      clause.conflict = null;
      clause.dirty = true;
      save(clause);
    });
    take.addEventListener("click", function () {
      clause.textarea.value = current.text;
      clause.heading.value = current.heading || "";
      setRevision(clause, current.revision);
      box.remove();
      clause.conflict = null;
      clause.dirty = false;
      overall();
    });
    box.append(note, title, theirs, keep, document.createTextNode(" "), take);
    var old = clause.el.querySelector(".draft-clause__conflict");
    if (old) old.remove();
    clause.el.querySelector(".draft-clause__form").after(box);
  }

  function saveAll() {
    return Promise.all(Object.keys(clauses).map(function (k) { return save(clauses[k]); }));
  }

  root.querySelectorAll("[data-key]").forEach(function (el) {
    var clause = {
      el: el, key: el.dataset.key, revision: Number(el.dataset.revision), dirty: false,
      textarea: el.querySelector(".draft-clause__text"), heading: el.querySelector(".draft-clause__heading"),
      stateEl: el.querySelector("[data-clause-state]"), caret: null
    };
    clauses[clause.key] = clause;
    [clause.textarea, clause.heading].forEach(function (input) {
      input.addEventListener("input", function () { clause.dirty = true; overall(); schedule(clause); });
      input.addEventListener("focus", function () { editing(clause.key); });
      input.addEventListener("blur", function () { save(clause); editing(null); });
    });
    ["keyup", "click", "select"].forEach(function (name) {
      clause.textarea.addEventListener(name, function () { clause.caret = clause.textarea.selectionStart; });
    });
    el.querySelector(".draft-clause__form").addEventListener("submit", function (event) {
      event.preventDefault();
      clause.dirty = true;
      save(clause);
    });
    var split = el.querySelector("form[data-split]");
    if (split) {
      split.addEventListener("submit", function () {
        if (clause.caret) split.querySelector('input[name="offset"]').value = clause.caret;
      });
    }
  });

  // Tools change the structure: save every clause first, so no typing is lost, then post the form.
  root.querySelectorAll("form:not(.draft-clause__form)").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
      if (form.dataset.sent) return;
      event.preventDefault();
      saveAll().then(function () {
        if (Object.keys(clauses).some(function (k) { return clauses[k].conflict; })) return;
        var clause = clauses[(form.closest("[data-key]") || {dataset: {}}).dataset.key];
        if (clause) form.querySelectorAll('input[name="revision"]').forEach(function (i) { i.value = clause.revision; });
        form.dataset.sent = "1";
        HTMLFormElement.prototype.submit.call(form);  // no second submit event: this handler is done
      });
    });
  });
  document.querySelectorAll("form[data-confirm]:not([data-draft] form)").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  window.addEventListener("beforeunload", function (event) {
    var unsaved = Object.keys(clauses).some(function (k) {
      return clauses[k].dirty || clauses[k].saving || clauses[k].conflict;
    });
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
  overall();

  var socket = null, editingKey = null;
  if (typeof window.io !== "function") return;  // no live updates: saves still check revisions
  socket = window.io({transports: ["websocket", "polling"]});
  function editing(key) {
    editingKey = key;
    if (socket) socket.emit("draft_editing", {draft_id: draftId, key: key});
  }
  socket.on("connect", function () {
    socket.emit("join_draft", {draft_id: draftId}, function () { if (editingKey) editing(editingKey); });
  });
  socket.on("disconnect", function (reason) {
    if (reason === "io server disconnect") window.setTimeout(function () { socket.connect(); }, 1000);
  });
  socket.on("draft_clause_saved", function (data) {
    var clause = clauses[data.clause.key];
    if (!clause || data.clause.revision <= clause.revision) return;
    if (clause.dirty || clause.saving) return;  // our save will meet theirs: the conflict shows both texts
    clause.textarea.value = data.clause.text;
    clause.heading.value = data.clause.heading || "";
    setRevision(clause, data.clause.revision);
    clause.el.classList.add("draft-clause--remote");
    clause.stateEl.textContent = text("Changed", {name: data.by});
  });
  socket.on("draft_changed", function (data) {
    if (!presenceEl) return;
    presenceEl.hidden = false;
    presenceEl.textContent = text("Changed", {name: data.by}) + " ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = text("Reload");
    presenceEl.append(link);
  });
  socket.on("draft_closed", function () {
    if (presenceEl) { presenceEl.hidden = false; presenceEl.textContent = text("Closed"); }
  });
  // Taken out of the draft's room (no longer a chair or a named editor): saves would be refused, so say so
  // and keep whatever is on the page for copying.
  socket.on("access_lost", function (data) {
    if (data.room !== "draft" || Number(data.draft_id) !== Number(draftId)) return;
    if (presenceEl) {
      presenceEl.hidden = false;
      presenceEl.textContent = text("Lost");
      presenceEl.classList.add("draft-presence--lost");
      presenceEl.setAttribute("role", "alert");
    }
  });
  socket.on("draft_editing", function (data) {
    root.querySelectorAll("[data-editing]").forEach(function (el) {
      if (el.dataset.user === String(data.user_id)) { el.hidden = true; el.dataset.user = ""; }
    });
    var clause = data.key && clauses[data.key];
    if (!clause) return;
    var badge = clause.el.querySelector("[data-editing]");
    badge.dataset.user = data.user_id;
    badge.textContent = text("Editing", {name: data.name});
    badge.hidden = false;
  });
})();
