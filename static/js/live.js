/* Live updates on the reading pages: join the version's room over Socket.IO, show how many people are
   reading, and put new comments, edits, hides and dispositions in place without a reload.

   Events carry the comment as an ordinary reader may see it (a hidden one without its text); the
   HTML always comes from the server, which shows each reader what they may see. */
(function () {
  "use strict";

  var Threads = window.Threads;
  if (!Threads || typeof window.io !== "function") return;
  var versionId = Number(Threads.versionId);
  var presence = document.querySelector("[data-presence]");
  var socket = window.io({transports: ["websocket", "polling"]});

  socket.on("connect", function () {
    // Rooms do not survive a reconnection: join again every time.
    socket.emit("join", {version_id: versionId});
  });

  socket.on("disconnect", function (reason) {
    // The server closes a socket whose sign-in ended (signed out everywhere, suspended, removed from the
    // group); the client does not retry that on its own. Connect again as whoever the cookie says now.
    if (reason === "io server disconnect") window.setTimeout(function () { socket.connect(); }, 1000);
  });

  socket.on("presence", function (data) {
    if (!presence || Number(data.version_id) !== versionId) return;
    presence.querySelector("[data-presence-text]").textContent =
      Threads.text(data.count === 1 ? "viewing-one" : "viewing", {n: data.count});
    presence.hidden = false;
  });

  // Only this version's readers get its events; a thread carried here from an earlier version keeps the
  // version it was written on, its root names the clause it is shown on here (original_clause_id set),
  // and its replies are on the page when the thread is open.
  function mine(comment) {
    return Number(comment.version_id) === versionId || comment.original_clause_id != null ||
      document.getElementById("comment-" + comment.id) !== null;
  }

  function who(comment) {
    return comment.author ? comment.author.name : Threads.text("someone");
  }

  socket.on("comment_created", function (comment) {
    if (!mine(comment)) return;
    Threads.insertComment(comment).then(function () {
      Threads.emit("comment", comment);
      if (document.getElementById("comment-" + comment.id) || Threads.marginOf(comment.clause_id)) {
        Threads.announce(Threads.text(comment.parent_id ? "new-reply" : "new-comment",
                                      {name: who(comment), clause: Threads.clauseLabel(comment.clause_id)}));
      }
    });
  });

  socket.on("comment_updated", function (comment) {
    if (!mine(comment)) return;
    Threads.refreshComment(comment.id);
    Threads.emit("comment", comment);
  });

  socket.on("thread_count", function (data) {
    if (Number(data.version_id) === versionId) Threads.setOpenCount(data.clause_id, data.open_threads);
  });
})();
