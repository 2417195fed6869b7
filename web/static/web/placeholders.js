// A photo's tiny blurred placeholder shows behind it while it loads. The page names it in
// data-placeholder and this sets it as a background through the CSSOM: the Content-Security-Policy
// refuses style attributes written in the HTML. Parts swapped in later (search results, load more,
// the console's uploads) are covered by watching the page.
const SELECTOR = "img[data-placeholder]";

function paint(root) {
  const images = root.matches?.(SELECTOR) ? [root] : root.querySelectorAll?.(SELECTOR) ?? [];
  for (const img of images) {
    if (!img.style.backgroundImage) img.style.backgroundImage = `url("${img.dataset.placeholder}")`;
  }
}

paint(document);
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) if (node.nodeType === 1) paint(node);
}).observe(document.body, { childList: true, subtree: true });
