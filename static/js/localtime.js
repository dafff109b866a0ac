/* Times in the reader's own time zone. The server writes every date and time in UTC and says so
   ("Dec 4, 2026, 4:20 PM UTC"); where the browser knows its time zone, each <time datetime> whose text
   ends in "UTC" is rewritten in the page's language and the reader's zone, the UTC text kept as a title.
   Times added later (live comments, "show more") are localized as they arrive. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var format;
  try {
    format = new Intl.DateTimeFormat(lang, {year: "numeric", month: "short", day: "numeric",
                                            hour: "numeric", minute: "2-digit", timeZoneName: "short"});
  } catch (e) { return; }

  function localize(root) {
    var times = (root.querySelectorAll ? root : document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i], text = el.textContent.trim();
      if (!/UTC$/.test(text) || el.dataset.local) continue;
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) continue;
      el.title = text;
      el.textContent = format.format(when);
      el.dataset.local = "1";
    }
  }
  localize(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.nodeType === 1) localize(node); });
    });
  }).observe(document.body, {childList: true, subtree: true});
})();
