// Copy button beside the monthly report's draft summary: copies the paragraph.
// Without JavaScript the button stays hidden; the paragraph can be selected and copied by hand.
(function () {
  var button = document.getElementById('copy-summary');
  var paragraph = document.getElementById('summary-paragraph');
  var status = document.getElementById('copy-summary-status');
  if (!button || !paragraph || !status) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var text = paragraph.textContent.replace(/\s+/g, ' ').trim();
    var selectIt = function () {
      var range = document.createRange();
      range.selectNodeContents(paragraph);
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
})();
