/* "Copy" buttons beside read-only link fields (My certificates).
   Without JavaScript the buttons stay hidden and the field can be copied by hand. */
(function () {
  "use strict";

  function fallbackCopy(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    var status = button.closest(".cert-share").querySelector(".cert-share__status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        if (status) status.textContent = button.dataset.copied;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          if (fallbackCopy(input)) done();
        });
      } else if (fallbackCopy(input)) {
        done();
      }
    });
  });
})();
