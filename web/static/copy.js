// "Copy" buttons (console pages): a button with data-copy="ID" copies the value of the
// input with that id. The buttons start hidden, so without JavaScript the page shows
// only the selectable field.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy"); // older browsers, or no clipboard permission
    }
    button.textContent = button.dataset.copied;
  });
});
