/* Discussion threads on the reading pages: open a clause's threads in its margin, send the comment
   forms to the JSON API instead of reloading, and put new or changed comments in place.

   Every form here also works without this script (a normal POST and a redirect). The HTML of a comment
   always comes from the server (/comments/ID/fragment), so there is one template and the server
   decides what this reader may see. window.Threads is used by annotate.js and live.js. */
(function () {
  "use strict";

  var bar = document.querySelector("[data-live-bar]");
  if (!bar) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var announcer = bar.querySelector("[data-announcer]");
  var inserting = new Set();
  var INDENT_LEVELS = 4;  // services/threads.py: replies indent this many levels, deeper ones line up
  var listeners = [];

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function clauseArticle(clauseId) {
    return document.querySelector('.clause[data-clause-id="' + clauseId + '"]');
  }

  function marginOf(clauseId) {
    var article = clauseArticle(clauseId);
    return article ? article.querySelector("[data-margin]") : null;
  }

  function clauseLabel(clauseId) {
    var article = clauseArticle(clauseId);
    var label = article && article.querySelector(".clause__label");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;  // our own server's rendering of sanitized comments
    return template.content;
  }

  function fetchHtml(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "text/html"}}).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    });
  }

  /* --- panels ------------------------------------------------------------------------------ */

  function loadPanel(margin) {
    var panel = margin.querySelector("[data-threads-panel]");
    if (panel.querySelector("[data-threads]")) return Promise.resolve(panel);
    if (panel.loading) return panel.loading;
    panel.setAttribute("aria-busy", "true");
    panel.loading = fetchHtml(margin.dataset.threadsUrl).then(function (html) {
      panel.replaceChildren(fragment(html));
      panel.removeAttribute("aria-busy");
      listeners.forEach(function (listener) { listener(panel); });
      return panel;
    });
    return panel.loading;
  }

  function openPanel(margin) {
    return loadPanel(margin).then(function (panel) {
      panel.hidden = false;
      // Beside the whole text a discussion opens over the margin below it (annotations.css): one at a time.
      if (getComputedStyle(panel).position === "absolute") {
        closeOtherPanels(panel);
        if (draftFit) draftFit.observe(panel);
      }
      fitDraft();
      var toggle = margin.querySelector("[data-toggle-threads]");
      if (toggle) toggle.setAttribute("aria-expanded", "true");
      return panel;
    });
  }

  /* An open discussion beside the text may reach below the last clause: the text's box grows to hold it
     (space at the end of the text, never between clauses), and shrinks back when it closes. */
  var draftFit = typeof ResizeObserver === "function" ? new ResizeObserver(function () { fitDraft(); }) : null;

  function fitDraft() {
    var draft = document.querySelector(".reading-layout--annotated .draft");
    if (!draft) return;
    draft.style.minHeight = "";
    var open = draft.querySelector("[data-threads-panel]:not([hidden])");
    if (!open || getComputedStyle(open).position !== "absolute") return;
    var need = open.getBoundingClientRect().bottom - draft.getBoundingClientRect().top + 24;
    if (need > draft.offsetHeight) draft.style.minHeight = Math.ceil(need) + "px";
  }

  function closeOtherPanels(panel) {
    document.querySelectorAll("[data-threads-panel]:not([hidden])").forEach(function (other) {
      if (other === panel) return;
      other.hidden = true;
      var toggle = other.closest("[data-margin]").querySelector("[data-toggle-threads]");
      if (toggle) toggle.setAttribute("aria-expanded", "false");
    });
  }

  /* Escape closes an open discussion beside the text and puts the focus back on its toggle. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var panel = event.target.closest && event.target.closest("[data-threads-panel]");
    if (!panel || panel.hidden || getComputedStyle(panel).position !== "absolute") return;
    var toggle = panel.closest("[data-margin]").querySelector("[data-toggle-threads]");
    panel.hidden = true;
    if (toggle) { toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
    fitDraft();
  });

  function openComposer(margin) {
    return openPanel(margin).then(function (panel) {
      var composer = panel.querySelector("details.composer");
      if (composer) composer.open = true;
      return composer;
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-threads]");
    var compose = event.target.closest("[data-compose]");
    var more = event.target.closest("[data-load-more] a");
    var moreReplies = event.target.closest("[data-more-replies] a");
    if (toggle) {
      event.preventDefault();
      var margin = toggle.closest("[data-margin]");
      var panel = margin.querySelector("[data-threads-panel]");
      if (!panel.hidden && panel.querySelector("[data-threads]")) {
        panel.hidden = true;
        toggle.setAttribute("aria-expanded", "false");
        fitDraft();
      } else {
        openPanel(margin);
      }
    } else if (compose) {
      event.preventDefault();
      openComposer(compose.closest("[data-margin]")).then(function (composer) {
        var box = composer && composer.querySelector("textarea[name=body]");
        if (box) box.focus();
      });
    } else if (more) {
      event.preventDefault();
      loadMore(more);
    } else if (moreReplies) {
      event.preventDefault();
      loadReplies(moreReplies);
    }
  });

  /* The comments at the top of a fragment (":scope >" matches nothing in a DocumentFragment). */
  function topItems(content) {
    return Array.prototype.filter.call(content.children, function (el) { return el.matches("li.comment"); });
  }

  function loadMore(link) {
    var holder = link.closest("[data-load-more]");
    var list = holder.parentNode.querySelector("[data-thread-list]");
    link.setAttribute("aria-busy", "true");
    fetchHtml(link.dataset.fragmentUrl).then(function (html) {
      var content = fragment(html);
      var next = content.querySelector("[data-load-more]");
      topItems(content).forEach(function (item) {
        if (!document.getElementById(item.id)) list.appendChild(item);
      });
      if (next) holder.replaceWith(next); else holder.remove();
    });
  }

  /* "Show N more replies": the thread's next replies, each placed under its parent. */
  function loadReplies(link) {
    var holder = link.closest("[data-more-replies]");
    var root = document.getElementById("comment-" + holder.dataset.rootId);
    if (!root || holder.getAttribute("aria-busy") === "true") return;
    holder.setAttribute("aria-busy", "true");
    fetchHtml(link.dataset.fragmentUrl).then(function (html) {
      var content = fragment(html);
      var next = content.querySelector("[data-more-replies]");
      var first = null;
      topItems(content).forEach(function (item) {
        if (document.getElementById(item.id)) return;  // arrived live already
        placeInThread(item, root);
        first = first || item;
      });
      if (next) holder.replaceWith(next); else holder.remove();
      if (first) {  // keyboard and screen reader users go on reading where the new replies start
        var card = first.querySelector(":scope > .comment__card");
        card.setAttribute("tabindex", "-1");
        card.focus({preventScroll: true});
      }
    }, function () {
      holder.removeAttribute("aria-busy");
    });
  }

  /* A reply from a page of its thread: under its parent when that is shown (its indentation then says
     whom it answers, down to INDENT_LEVELS), else at the end of the thread with its "in reply to" note. */
  function placeInThread(item, root) {
    var parent = document.getElementById("comment-" + item.dataset.parentId);
    if (parent && root.contains(parent)) {
      var note = item.querySelector(":scope > .comment__card [data-reply-elsewhere]");
      if (note && Number(item.dataset.depth) < INDENT_LEVELS) note.remove();
      placeReply(item, parent);
    } else {
      repliesOf(root).appendChild(item);
    }
  }

  /* A live reply whose parent is not shown, in a thread shown in part: one more behind "Show more". */
  function countUnshownReply(comment) {
    var root = document.getElementById("comment-" + comment.root_id);
    var holder = root && root.querySelector(":scope > [data-more-replies]");
    if (!holder) return;
    var count = Number(holder.dataset.count || 0) + 1;
    holder.dataset.count = String(count);
    holder.querySelector("a").textContent = text(count === 1 ? "more-reply" : "more-replies", {n: count});
  }

  /* --- putting comments in place ------------------------------------------------------------ */

  /* `clauseId`: the clause whose discussion shows it, for a thread carried there from an earlier version. */
  function commentFragment(id, clauseId) {
    var query = clauseId ? "?clause=" + encodeURIComponent(clauseId) : "";
    return fetchHtml("/comments/" + id + "/fragment" + query).then(function (html) {
      return fragment(html).querySelector("li.comment");
    });
  }

  /* The list of replies under a comment, made when it has none yet (before its "Show more replies"). */
  function repliesOf(parent) {
    var replies = parent.querySelector(":scope > ol.replies");
    if (!replies) {
      replies = document.createElement("ol");
      replies.className = "replies";
      parent.insertBefore(replies, parent.querySelector(":scope > [data-more-replies]"));
    }
    return replies;
  }

  function placeReply(item, parent) {
    var depth = Number(parent.dataset.depth);
    var maxDepth = INDENT_LEVELS - 1;  // deeper replies line up in this level's list
    if (depth < maxDepth) {  // its own replies only: in id order (one may have arrived live before)
      var replies = repliesOf(parent);
      var id = Number(item.dataset.commentId);
      var later = Array.prototype.find.call(replies.children, function (li) { return Number(li.dataset.commentId) > id; });
      replies.insertBefore(item, later || null);
      return;
    }
    if (depth === maxDepth) {  // a flat list of every reply below it, in reading order: the newest goes last
      repliesOf(parent).appendChild(item);
      return;
    }
    // A flat list: after the parent and the replies already under it.
    var family = new Set([parent.dataset.commentId]);
    var after = parent;
    for (var next = parent.nextElementSibling; next; next = next.nextElementSibling) {
      if (!family.has(next.dataset.parentId)) break;
      family.add(next.dataset.commentId);
      after = next;
    }
    after.after(item);
  }

  function insertComment(comment) {
    var id = String(comment.id);
    if (document.getElementById("comment-" + id) || inserting.has(id)) return Promise.resolve(null);
    var margin = marginOf(comment.clause_id);
    var panel = margin && margin.querySelector("[data-threads-panel]");
    var list = panel && panel.querySelector("[data-thread-list]");
    if (!list) return Promise.resolve(null);  // the clause's threads are not open here
    var parent = comment.parent_id ? document.getElementById("comment-" + comment.parent_id) : null;
    if (comment.parent_id && !parent) {
      countUnshownReply(comment);
      return Promise.resolve(null);
    }
    if (!comment.parent_id && panel.querySelector("[data-load-more]")) return Promise.resolve(null);
    inserting.add(id);
    return commentFragment(id).then(function (item) {
      if (!item || document.getElementById(item.id)) return null;
      item.classList.add("comment--new");
      if (parent) {
        placeReply(item, parent);
      } else {
        list.appendChild(item);
        var empty = panel.querySelector("[data-empty]");
        if (empty) empty.remove();
        var total = panel.querySelector("[data-thread-total]");
        if (total) total.textContent = String(Number(total.textContent || 0) + 1);
      }
      return item;
    }).finally(function () { inserting.delete(id); });
  }

  function refreshComment(id) {
    var current = document.getElementById("comment-" + id);
    if (!current) return Promise.resolve(null);
    var shownOn = current.closest("[data-threads]");
    return commentFragment(id, shownOn && shownOn.dataset.clauseId).then(function (item) {
      current.className = item.className;
      var card = current.querySelector(":scope > .comment__card");
      card.replaceWith(item.querySelector(":scope > .comment__card"));
      return current;
    }, function () {
      current.remove();  // no longer readable here
      return null;
    });
  }

  function setOpenCount(clauseId, count) {
    var margin = marginOf(clauseId);
    if (!margin) return;
    var number = margin.querySelector("[data-open-count]");
    if (number) number.textContent = String(count);
    var toggle = margin.querySelector("[data-toggle-threads]");
    if (toggle) toggle.classList.toggle("thread-count--active", count > 0);
  }

  /* --- forms to the API --------------------------------------------------------------------- */

  function payload(form) {
    var data = {};
    var selector = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token") return;
      if (name.indexOf("selector_") === 0) {
        if (value !== "") selector[name.slice(9)] = /^(start|end)$/.test(name.slice(9)) ? Number(value) : value;
      } else if (name === "parent_id" || name === "version_id") {
        if (value !== "") data[name] = Number(value);
      } else if (name === "resolved" || name === "hidden") {
        data[name] = value !== "0";
      } else if (name === "replacement_text" && value.trim() === "") {
        // an empty box means "no replacement text"
      } else {
        data[name] = value;
      }
    });
    if (selector.exact) data.selector = selector;
    return data;
  }

  function showError(form, message, field) {
    var box = form.querySelector(".form-error");
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    if (field) {
      var input = form.querySelector('[name="' + field + '"]');
      if (input && input.type !== "hidden") {
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
    }
    if (box) {
      box.textContent = message || "";
      box.hidden = !message;
    }
  }

  function submitToApi(form) {
    var method = form.dataset.apiMethod;
    var button = form.querySelector("button[type=submit]");
    var body = method === "DELETE" ? undefined : JSON.stringify(payload(form));
    if (button) button.disabled = true;
    showError(form, "");
    return fetch(form.dataset.apiUrl, {
      method: method, body: body, credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf}
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = (data && data.error) || {};
          throw {message: error.message || "That did not work (" + response.status + ").", field: error.field};
        }
        return data;
      });
    }).finally(function () { if (button) button.disabled = false; });
  }

  function afterSuccess(form, comment) {
    var details = form.closest("details");
    var item = form.closest("li.comment");
    if (form.dataset.apiMethod === "POST" && /\/comments$/.test(form.dataset.apiUrl)) {
      form.reset();
      form.dispatchEvent(new CustomEvent("threads:posted", {bubbles: true}));
      if (details) details.open = false;
      announce(text("posted"));
      return insertComment(comment).then(function (inserted) {
        if (inserted) inserted.scrollIntoView({block: "nearest"});
        Threads.emit("comment", comment);
      });
    }
    if (details) details.open = false;
    var id = comment.id || (item && item.dataset.commentId);
    Threads.emit("comment", comment.id ? comment : {id: Number(id), status: "deleted"});
    return refreshComment(id);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.action-form[data-api-url]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    submitToApi(form).then(function (comment) {
      return afterSuccess(form, comment);
    }).catch(function (error) {
      showError(form, error.message || String(error), error.field);
    });
  });

  /* Interface text in the reader's language: data-text-* attributes of the live bar, "%(name)s" filled in. */
  function text(name, values) {
    var template = bar.getAttribute("data-text-" + name) || "";
    return template.replace(/%\((\w+)\)s/g, function (all, key) { return values && key in values ? values[key] : all; });
  }

  var handlers = {};
  window.Threads = {
    text: text,
    announce: announce, clauseLabel: clauseLabel, marginOf: marginOf, openPanel: openPanel, openComposer: openComposer,
    insertComment: insertComment, refreshComment: refreshComment, setOpenCount: setOpenCount,
    onPanelLoaded: function (listener) { listeners.push(listener); },
    on: function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
    emit: function (name, data) { (handlers[name] || []).forEach(function (handler) { handler(data); }); },
    versionId: bar.dataset.versionId, canComment: bar.hasAttribute("data-can-comment")
  };
})();
