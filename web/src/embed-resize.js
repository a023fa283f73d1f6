/*! layoutmap embed.js: sizes layoutmap iframes to their content.
 *
 * Usage, anywhere in the embedding page:
 *   <iframe src="https://MAPHOST/embed?year=2023&min_revenue=1000&title=..."
 *           style="width:100%;border:0" height="480" title="..."></iframe>
 *   <script src="https://MAPHOST/embed.js" async></script>
 *
 * The /embed page posts {type: "layoutmap:height", height: <px>} to its
 * parent whenever its content height changes; this script sets the height of
 * the iframe that sent it. Messages are accepted only from the iframe whose
 * window sent them, and only from the origin its src points at.
 */
(function () {
  'use strict';
  if (window.__layoutmapEmbed) return;
  window.__layoutmapEmbed = true;
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || d.type !== 'layoutmap:height' || typeof d.height !== 'number') return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (f.contentWindow !== e.source) continue;
      var origin;
      try { origin = new URL(f.src, location.href).origin; } catch (err) { return; }
      if (origin !== e.origin) return;
      var h = Math.max(120, Math.min(5000, Math.round(d.height)));
      f.style.height = h + 'px';
      f.setAttribute('height', String(h));
      return;
    }
  });
})();
