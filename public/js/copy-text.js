// Copy buttons: <button data-copy-from="ID" data-copy-status="ID" data-copied="…" data-copy-failed="…" hidden>
// copies the text of the element ID (the tracking code, the monthly summary). Without JavaScript the
// button stays hidden and the text can be written down, selected or printed; where the clipboard
// refuses, the text is selected for the person to copy by hand.
(function () {
  var buttons = document.querySelectorAll('button[data-copy-from]');
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute('data-copy-from'));
    var status = document.getElementById(button.getAttribute('data-copy-status'));
    if (!source || !status) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var text = source.textContent.replace(/\s+/g, ' ').trim();
      var selectIt = function () {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        status.textContent = button.getAttribute('data-copy-failed');
      };
      if (!navigator.clipboard || !navigator.clipboard.writeText) return selectIt();
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = button.getAttribute('data-copied');
      }, selectIt);
    });
  });
})();
