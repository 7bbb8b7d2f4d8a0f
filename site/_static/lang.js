// The language switch: the same page in the other edition (both editions have the same pages).
document.addEventListener("DOMContentLoaded", () => {
  const link = document.getElementById("crmlab-language");
  if (!link) return;
  const here = link.dataset.language;
  const there = here === "en" ? "zh" : "en";
  const path = window.location.pathname;
  const at = path.lastIndexOf("/" + here + "/");
  if (at >= 0) {
    link.href = path.slice(0, at) + "/" + there + "/" + path.slice(at + here.length + 2);
  }
});
