/* Annotating words of a clause: select them, press "Annotate selection" (or Alt+Shift+A, or Tab to
   the button), and the clause's comment form opens with the quote. Also draws the highlights of
   annotated words and keeps them current.

   Offsets: a clause's `.line` spans concatenate exactly to the clause text, so offsets within
   [data-clause-text] are offsets into the text. JavaScript strings count UTF-16 code units, the
   server counts code points (an emoji is 2 here, 1 there), so offsets are converted both ways. */
(function () {
  "use strict";

  var Threads = window.Threads;
  if (!Threads) return;
  var CONTEXT = 32;  // anchoring.CONTEXT_CHARS
  var button = null;
  var pending = null;  // {text: element, start, end, exact} of the current selection, in code points

  /* --- offsets ----------------------------------------------------------------------------- */

  function codePointLength(text) {
    return Array.from(text).length;
  }

  function utf16Offset(text, codePoints) {
    var i = 0;
    for (var n = 0; n < codePoints && i < text.length; n++) {
      i += text.codePointAt(i) > 0xffff ? 2 : 1;
    }
    return i;
  }

  function textOf(container) {
    return container.textContent;
  }

  function selectionIn(range) {
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var end = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
    var text = start && start.closest("[data-clause-text]");
    if (!text || !end || end.closest("[data-clause-text]") !== text) return null;
    var before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    var full = textOf(text);
    var from = before.toString().length;
    var to = from + range.toString().length;
    while (from < to && /\s/.test(full[from])) from++;  // trim the spaces a double-click takes along
    while (to > from && /\s/.test(full[to - 1])) to--;
    if (from === to) return null;
    return {text: text, start: codePointLength(full.slice(0, from)), end: codePointLength(full.slice(0, to)),
            exact: full.slice(from, to)};
  }

  function selectorFor(selection) {
    var chars = Array.from(textOf(selection.text));
    return {
      exact: selection.exact, start: selection.start, end: selection.end,
      prefix: chars.slice(Math.max(0, selection.start - CONTEXT), selection.start).join(""),
      suffix: chars.slice(selection.end, selection.end + CONTEXT).join("")
    };
  }

  /* --- the button ------------------------------------------------------------------------- */

  function makeButton() {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "annotate-button";
    element.textContent = Threads.text("annotate");
    element.title = Threads.text("annotate-title");
    element.setAttribute("aria-keyshortcuts", "Alt+Shift+A");
    element.hidden = true;
    element.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    element.addEventListener("click", annotate);
    return element;
  }

  function hideButton() {
    if (button) button.hidden = true;
  }

  function showButton(selection, range) {
    button = button || makeButton();
    var article = selection.text.closest(".clause");
    // Right after the text in the document, so Tab from a keyboard selection reaches it next.
    if (button.previousElementSibling !== selection.text) selection.text.after(button);
    var rects = range.getClientRects();
    var last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    var box = article.getBoundingClientRect();
    button.style.top = (last.bottom - box.top + 6) + "px";
    button.style.left = Math.max(0, Math.min(last.right - box.left - 40, box.width - 180)) + "px";
    button.hidden = false;
  }

  function onSelectionChange() {
    if (!Threads.canComment) return;
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      if (!button || document.activeElement !== button) { pending = null; hideButton(); }
      return;
    }
    var range = selection.getRangeAt(0);
    pending = selectionIn(range);
    if (pending) showButton(pending, range); else hideButton();
  }

  function annotate() {
    if (!pending) return;
    var chosen = pending;
    var selector = selectorFor(chosen);
    var margin = chosen.text.closest(".clause").querySelector("[data-margin]");
    hideButton();
    Threads.openComposer(margin).then(function (composer) {
      if (!composer) return;
      var form = composer.querySelector("form");
      Object.keys(selector).forEach(function (name) {
        var input = form.querySelector('[data-selector="' + name + '"]');
        if (input) input.value = String(selector[name]);
      });
      var quote = form.querySelector("[data-quote]");
      quote.querySelector("[data-quote-text]").textContent = selector.exact;
      quote.hidden = false;
      composer.scrollIntoView({block: "nearest"});
      form.querySelector("textarea[name=body]").focus();
    });
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(onSelectionChange, 120);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey && event.shiftKey && event.code === "KeyA" && pending) {
      event.preventDefault();
      annotate();
    }
  });

  /* Selecting words by keyboard without caret browsing: a clause text takes focus with Tab; the arrow
     keys move a caret word by word and Shift+arrow extends the selection, then Tab reaches the button. */
  function keyboardSelect(event) {
    var forward = event.key === "ArrowRight", backward = event.key === "ArrowLeft";
    if (!(forward || backward) || event.altKey || event.ctrlKey || event.metaKey) return;
    var text = event.currentTarget;
    var selection = window.getSelection();
    var inside = selection.rangeCount && text.contains(selection.anchorNode);
    var first = text.querySelector(".line");
    if (!inside) selection.collapse((first && first.firstChild) || text, 0);
    selection.modify(event.shiftKey ? "extend" : "move", forward ? "forward" : "backward", "word");
    event.preventDefault();
  }

  if (Threads.canComment) {
    document.querySelectorAll("[data-clause-text]").forEach(function (text) {
      text.tabIndex = 0;
      text.addEventListener("keydown", keyboardSelect);
    });
  }

  /* --- the comment form ---------------------------------------------------------------------- */

  function clearQuote(form) {
    form.querySelectorAll("[data-selector]").forEach(function (input) { input.value = ""; });
    var quote = form.querySelector("[data-quote]");
    if (quote) quote.hidden = true;
  }

  function syncKind(form) {
    var kind = form.querySelector("input[name=kind]:checked");
    var replacement = form.querySelector("[data-replacement]");
    if (!replacement) return;
    var amendment = kind && kind.value === "amendment";
    replacement.hidden = !amendment;
    replacement.querySelector("textarea").required = amendment;
  }

  function enhanceComposers(root) {
    root.querySelectorAll("form[data-composer]").forEach(syncKind);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") syncKind(event.target.form);
  });
  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-clear-quote]");
    if (clear) clearQuote(clear.closest("form"));
    var quoteLink = event.target.closest("[data-show-highlight]");
    if (quoteLink) {
      var mark = document.querySelector('mark[data-comment-id="' + quoteLink.dataset.showHighlight + '"]');
      if (mark) {
        event.preventDefault();
        mark.scrollIntoView({block: "center"});
        flash(mark);
      }
    }
    var highlight = event.target.closest("mark.anno");
    if (highlight) showThread(highlight.dataset.commentId, highlight.closest(".clause"));
  });
  document.addEventListener("threads:posted", function (event) {
    if (event.target.matches("form[data-composer]")) {
      clearQuote(event.target);
      syncKind(event.target);
    }
  });

  function flash(element) {
    element.classList.remove("flash-target");
    void element.offsetWidth;  // restart the animation
    element.classList.add("flash-target");
  }

  function showThread(commentId, article) {
    var margin = article && article.querySelector("[data-margin]");
    if (!margin) return;
    Threads.openPanel(margin).then(function () {
      var item = document.getElementById("comment-" + commentId);
      if (item) {
        item.scrollIntoView({block: "nearest"});
        flash(item.querySelector(".comment__card"));
      }
    });
  }

  /* --- highlights ------------------------------------------------------------------------- */

  function wrap(container, start, end, make) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    var position = 0;
    var targets = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var from = position;
      position += node.data.length;
      if (position <= start || from >= end) continue;
      targets.push([node, Math.max(start, from) - from, Math.min(end, position) - from]);
    }
    targets.forEach(function (target) {
      var node = target[0];
      if (target[2] < node.data.length) node.splitText(target[2]);
      if (target[1] > 0) node = node.splitText(target[1]);
      var mark = make();
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
    });
  }

  function removeHighlight(commentId) {
    document.querySelectorAll('mark.anno[data-comment-id="' + commentId + '"]').forEach(function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      mark.remove();
      parent.normalize();
    });
  }

  function addHighlight(container, start, end, commentId, resolved) {
    var text = textOf(container);
    wrap(container, utf16Offset(text, start), utf16Offset(text, end), function () {
      var mark = document.createElement("mark");
      mark.className = "anno" + (resolved ? " anno--resolved" : "");
      mark.dataset.commentId = String(commentId);
      mark.title = Threads.text("highlight");
      return mark;
    });
  }

  document.querySelectorAll("[data-clause-text][data-highlights]").forEach(function (container) {
    var highlights = [];
    try { highlights = JSON.parse(container.dataset.highlights || "[]"); } catch (error) { highlights = []; }
    highlights.forEach(function (h) { addHighlight(container, h[0], h[1], h[2], h[3]); });
  });

  /* A comment changed (here or live): its highlight follows its state. */
  Threads.on("comment", function (comment) {
    if (!comment || !comment.id || comment.parent_id) return;
    var article = document.querySelector('.clause[data-clause-id="' + comment.clause_id + '"]');
    if (!article && comment.status === "visible") {
      // A thread carried here from an earlier version: its words keep their place on this page.
      document.querySelectorAll('mark.anno[data-comment-id="' + comment.id + '"]').forEach(function (mark) {
        mark.classList.toggle("anno--resolved", !!comment.resolved_at);
      });
      return;
    }
    removeHighlight(comment.id);
    var container = article && article.querySelector("[data-clause-text]");
    if (container && comment.status === "visible" && comment.selector) {
      addHighlight(container, comment.selector.start, comment.selector.end, comment.id, !!comment.resolved_at);
    }
  });

  Threads.onPanelLoaded(enhanceComposers);
  enhanceComposers(document);
})();
