// The assessment form: ask the server for the recommendation as the counselor rates, so that
// the rule lives in one place (clinic/assessments/placement.py). The server computes it again
// on save; without JavaScript the page shows it after each save.
(() => {
  const form = document.getElementById("assessment-form");
  const box = document.getElementById("recommendation");
  const text = document.getElementById("recommendation-text");
  if (!form || !box || !text) {
    return;
  }

  function latest(key) {
    // Options are listed oldest first: the last ticked result of a kind is the latest.
    let total = "";
    form.querySelectorAll("input[name='linked']:checked").forEach((input) => {
      const value = input.dataset[key];
      if (value !== undefined && value !== "") {
        total = value;
      }
    });
    return total;
  }

  function show(answer) {
    text.replaceChildren();
    if (!answer.level) {
      const waiting = document.createElement("span");
      waiting.className = "text-body-secondary";
      waiting.textContent = "Rate all six dimensions to see the recommendation.";
      text.append(waiting);
      return;
    }
    const badge = document.createElement("span");
    badge.className = "badge text-bg-primary fs-6";
    badge.id = "recommended-level";
    badge.textContent = answer.level;
    const label = document.createElement("span");
    label.id = "recommended-label";
    label.textContent = " " + answer.label;
    const drivers = document.createElement("div");
    drivers.className = "small text-body-secondary";
    drivers.id = "recommendation-drivers";
    const plural = answer.drivers.length > 1 ? "s" : "";
    drivers.textContent = `Set by dimension${plural} ${answer.drivers.join(", ")}.`;
    text.append(badge, label, drivers);
    answer.flags.forEach((flag) => {
      const line = document.createElement("div");
      line.className = "text-danger small fw-semibold recommendation-flag";
      line.textContent = flag;
      text.append(line);
    });
  }

  let asked = 0;
  async function refresh() {
    const query = new URLSearchParams();
    for (let number = 1; number <= 6; number += 1) {
      query.set(`d${number}`, form.elements[`d${number}_rating`].value);
    }
    const cows = latest("cowsTotal");
    if (cows !== "") {
      query.set("cows", cows);
    }
    const ciwa = latest("ciwaTotal");
    if (ciwa !== "") {
      query.set("ciwa", ciwa);
    }
    const ticket = ++asked;
    try {
      const response = await fetch(`${box.dataset.url}?${query}`, { credentials: "same-origin" });
      if (response.ok && ticket === asked) {
        show(await response.json());
      }
    } catch (error) {
      // Offline or signed out: the server shows the recommendation after saving.
    }
  }

  form.addEventListener("change", (event) => {
    const name = event.target.name || "";
    if (/^d\d_rating$/.test(name) || name === "linked") {
      refresh();
    }
  });
})();
