// On a phone the region menu is one row that scrolls sideways: bring the page's own region into view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector('.region-nav a[aria-current="page"]');
  if (current) current.scrollIntoView({ block: "nearest", inline: "center" });
});
