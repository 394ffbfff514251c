// The print button, wired here rather than by an onclick= the Content-Security-Policy forbids.
document.querySelector("[data-print]")?.addEventListener("click", () => window.print());

// The XLSX link follows the semester picked, before 查看 is pressed: the office picks a
// semester and downloads it. Without JavaScript the link is right once 查看 reloads the page.
const picker = document.querySelector("#semester");
const xlsx = document.querySelector("[data-xlsx-link]");
if (picker && xlsx) {
    const follow = () => {
        const url = new URL(xlsx.href, document.baseURI);
        url.searchParams.set("semester", picker.value);
        xlsx.href = url.pathname + url.search;
        const name = xlsx.querySelector("[data-xlsx-name]");
        if (name) name.textContent = picker.selectedOptions[0]?.textContent ?? "";
    };
    picker.addEventListener("change", follow);
    follow(); // a browser may restore another choice on going back
}
