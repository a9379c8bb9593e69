// The member's pages work without JavaScript: every action is a plain POST form.
// htmx (loaded before this file) updates them in place; this file only keeps the
// keyboard focus and the screen reader's announcements right after an update.
