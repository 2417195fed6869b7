// The vehicle page's gallery: a scroll-snap strip (a thumb swipes it, and it works without this
// script); here, previous/next buttons, the arrow keys and "2 / 5" as it moves.
const gallery = document.querySelector("[data-gallery]");
if (gallery) {
  const track = gallery.querySelector(".gallery-track");
  const slides = [...track.children];
  const controls = gallery.querySelector(".gallery-controls");
  const count = gallery.querySelector(".gallery-count");
  const current = () => Math.round(track.scrollLeft / track.clientWidth);
  const show = (index) => {
    const target = Math.max(0, Math.min(slides.length - 1, index));
    track.scrollTo({ left: target * track.clientWidth });
  };
  controls.hidden = false;
  controls.addEventListener("click", (event) => {
    const step = Number(event.target.closest("button")?.dataset.step || 0);
    if (step) show(current() + step);
  });
  track.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key in moves) {
      event.preventDefault();
      show(current() + moves[event.key]);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      show(event.key === "Home" ? 0 : slides.length - 1);
    }
  });
  let pending = 0;
  track.addEventListener("scroll", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      count.textContent = `${current() + 1} / ${slides.length}`;
    });
  });
}
