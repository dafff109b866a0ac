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

  // The server took this socket out of the version's rooms: the reader may no longer read them (the
  // document or the group was made private, the comments are no longer public, the membership ended).
  // Reload to show what the reader may read now, unless that would lose a comment being written.
  socket.on("access_lost", function (data) {
    if (Number(data.version_id) !== versionId) return;
    var writing = Array.prototype.some.call(document.querySelectorAll("textarea"), function (area) {
      return area.value.trim() !== "";
    });
    if (!writing) { window.location.reload(); return; }
    var notice = Threads.text("access-lost");
    if (presence) {
      presence.querySelector("[data-presence-text]").textContent = notice;
      presence.hidden = false;
    }
    Threads.announce(notice);
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

  // The visible sign of comments that arrived while reading: "2 new comments · Show". Show goes to the
  // oldest one not yet shown, opening its clause's discussion; the reader's own comments do not count.
  var news = document.querySelector("[data-news]");
  var unseen = [];
  var bar = document.querySelector("[data-live-bar]");
  var me = bar ? bar.dataset.userId : "";

  function showNews() {
    if (!news) return;
    news.hidden = unseen.length === 0;
    news.querySelector("[data-news-text]").textContent =
      Threads.text(unseen.length === 1 ? "news-one" : "news-many", {n: unseen.length});
  }

  function goToNext() {
    var next = unseen.shift();
    showNews();
    if (!next) return;
    var margin = Threads.marginOf(next.clause_id);
    var opened = margin ? Threads.openPanel(margin) : Promise.resolve(null);
    opened.then(function () {
      var target = document.getElementById("comment-" + next.id) ||
        document.querySelector('.clause[data-clause-id="' + next.clause_id + '"]');
      if (!target) return;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.scrollIntoView({block: "center"});
      target.focus({preventScroll: true});
    });
  }

  if (news) {
    news.querySelector("[data-news-show]").addEventListener("click", goToNext);
    news.querySelector("[data-news-dismiss]").addEventListener("click", function () {
      unseen = [];
      showNews();
    });
  }

  socket.on("comment_created", function (comment) {
    if (!mine(comment)) return;
    var theirs = !(comment.author && String(comment.author.id) === me) && Threads.marginOf(comment.clause_id);
    if (theirs) {
      unseen.push({id: comment.id, clause_id: comment.clause_id});
      showNews();
    }
    Threads.insertComment(comment).then(function () {
      Threads.emit("comment", comment);
      if (theirs) {
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
