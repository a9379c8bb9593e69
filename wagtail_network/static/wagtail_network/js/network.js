// The member's pages work without JavaScript: every action is a plain POST form.
// htmx (loaded before this file) updates them in place; this file only keeps the
// keyboard focus and the screen reader's announcements right after an update.
//
// An updated region is replaced whole (hx-swap="outerHTML"), so the button that was
// pressed is gone. Its equivalent in the new markup carries the same data-wn-focus
// key (Connect and Withdraw share "connection", each skill's Endorse and Withdraw
// share "skill-<id>"): focus goes there, else to the region itself. Messages are
// announced by the live region #wn-messages (role="status"), which stays in place.
(function () {
    "use strict";
    if (!window.htmx || !document.addEventListener) {
        return; // no htmx: the forms post and the page reloads, the browser keeps focus
    }
    var pending = null;

    document.addEventListener("htmx:beforeRequest", function (event) {
        var detail = event.detail || {};
        var target = detail.target;
        if (!target || !target.id) {
            pending = null;
            return;
        }
        var active = document.activeElement;
        var keyed = active && active.closest ? active.closest("[data-wn-focus]") : null;
        if (!keyed && detail.elt && detail.elt.querySelector) {
            // A form submitted by Enter in a field: its own submit button's key.
            keyed = detail.elt.querySelector("[data-wn-focus]");
        }
        pending = { region: target.id, key: keyed ? keyed.getAttribute("data-wn-focus") : null };
    });

    document.addEventListener("htmx:afterSettle", function () {
        if (!pending) {
            return;
        }
        var wanted = pending;
        pending = null;
        var region = document.getElementById(wanted.region);
        if (!region) {
            return;
        }
        var control = null;
        if (wanted.key) {
            var candidates = region.querySelectorAll("[data-wn-focus]");
            for (var i = 0; i < candidates.length; i++) {
                if (candidates[i].getAttribute("data-wn-focus") === wanted.key) {
                    control = candidates[i];
                    break;
                }
            }
        }
        // A key inside a closed <details>: focus its summary instead (the control is hidden).
        if (control) {
            var closed = control.closest("details:not([open])");
            if (closed && control.tagName !== "SUMMARY") {
                control = closed.querySelector("summary") || control;
            }
        }
        var target = control || region;
        if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(target.tagName)) {
            target.setAttribute("tabindex", "-1");
        }
        target.focus({ preventScroll: !!control });
    });

    // An answer htmx does not swap (a 4xx/5xx status): show it the way the browser
    // would have without JavaScript. If the action ran and its redirect led to an
    // error page, load that page (posting again would repeat the action); if the
    // endpoint itself refused (say, an expired CSRF token), post the form natively.
    document.addEventListener("htmx:responseError", function (event) {
        var detail = event.detail || {};
        var xhr = detail.xhr;
        var form = detail.elt;
        pending = null;
        var action = form && form.getAttribute ? form.getAttribute("action") : null;
        if (xhr && xhr.responseURL && action && xhr.responseURL.indexOf(action) === -1) {
            window.location.assign(xhr.responseURL);
        } else if (form && form.tagName === "FORM" && action) {
            form.submit(); // a native submission: htmx does not intercept it
        }
    });
})();
