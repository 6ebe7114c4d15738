//! Every page and every timeline filter, through the real router, checked on parsed HTML.

mod common;

use axum::http::StatusCode;
use common::{Page, get, site};


fn ok_html(page: &Page) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.content_type.starts_with("text/html"), "{}", page.content_type);
}

/// The `datetime` of every event on a list page.
fn event_dates(page: &Page) -> Vec<String> {
    page.attrs("article.event .when time", "datetime")
}

#[tokio::test]
async fn timeline_groups_events_by_month_with_linked_sources() {
    let site = site().await;
    let page = get(&site.app, "/").await;
    ok_html(&page);
    let months = page.texts("section.month > h2");
    assert!(months.contains(&"February 2025".to_string()), "{months:?}");
    assert!(months.contains(&"September 2025".to_string()), "{months:?}");
    let dates = event_dates(&page);
    assert!(dates.len() >= 8, "{dates:?}");
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "events are in date order");
    for href in page.attrs("article.event a.source", "href") {
        assert!(href.starts_with("/sources/") && href.contains("#s-"), "{href}");
    }
    assert_eq!(page.count("article.event"), page.count("article.event h3.title a"));
    assert_eq!(page.count("article.event"), page.count("article.event .precision"));
    let count = page.texts("p.count").join("");
    assert!(count.starts_with(&format!("Showing 1–{n} of {n} events.", n = dates.len())), "{count}");

    let same = get(&site.app, "/timeline").await;
    ok_html(&same);
    assert_eq!(event_dates(&same), dates);
}

#[tokio::test]
async fn source_links_on_the_timeline_land_on_an_anchored_sentence() {
    let site = site().await;
    let page = get(&site.app, "/").await;
    let hrefs = page.attrs("article.event a.source", "href");
    assert!(!hrefs.is_empty());
    for href in hrefs.iter().take(10) {
        let (path, anchor) = href.split_once('#').expect("anchor");
        let source = get(&site.app, path).await;
        ok_html(&source);
        assert_eq!(source.count(&format!("span.sentence#{anchor}")), 1, "{href}");
    }
}

#[tokio::test]
async fn date_filters_narrow_the_range_and_stay_in_the_form() {
    let site = site().await;
    let page = get(&site.app, "/?from=2025-08-01").await;
    ok_html(&page);
    let dates = event_dates(&page);
    assert!(!dates.is_empty());
    assert!(dates.iter().all(|d| d.as_str() >= "2025-08-01"), "{dates:?}");
    assert_eq!(page.attrs("form.filters input[name=from]", "value"), ["2025-08-01"]);
    assert_eq!(page.texts(".active-filters li .filter-label"), ["from:"]);
    assert_eq!(page.attrs(".active-filters a.remove", "href"), ["/"]);

    let page = get(&site.app, "/?to=2025-02-28").await;
    let dates = event_dates(&page);
    assert!(!dates.is_empty());
    assert!(dates.iter().all(|d| d.as_str() <= "2025-02-28"), "{dates:?}");

    // One day: that day's events, and coarser ones ("this week") whose range covers it.
    let page = get(&site.app, "/?from=2025-02-26&to=2025-02-26").await;
    let dates = event_dates(&page);
    assert!(dates.iter().filter(|d| *d == "2025-02-26").count() >= 3, "{dates:?}");
    assert!(dates.iter().all(|d| d.as_str() <= "2025-02-26"), "{dates:?}");
    let precisions = page.texts("article.event .precision");
    for (date, precision) in dates.iter().zip(&precisions) {
        assert!(date == "2025-02-26" || precision != "day", "{date} {precision}");
    }
}

#[tokio::test]
async fn actor_filter_keeps_only_that_actors_events() {
    let site = site().await;
    let all = event_dates(&get(&site.app, "/").await).len();
    let page = get(&site.app, "/?actor=friedrich-merz").await;
    ok_html(&page);
    let n = page.count("article.event");
    assert!(n >= 1 && n < all, "{n} of {all}");
    let with_merz = page.count("article.event:has(a.actor[href='/actors/friedrich-merz'])");
    assert_eq!(with_merz, n);
    assert_eq!(page.attrs("form.filters input[type=hidden][name=actor]", "value"), ["friedrich-merz"]);
    assert_eq!(page.texts(".active-filters li:first-child"), ["actor: Friedrich Merz ×"]);

    // Two actors: either one (values of one filter combine with OR).
    let both = get(&site.app, "/?actor=friedrich-merz&actor=keir-starmer").await;
    let m = both.count("article.event");
    assert!(m > n, "{m} vs {n}");
    assert_eq!(
        both.count("article.event:has(a.actor[href='/actors/friedrich-merz'], a.actor[href='/actors/keir-starmer'])"),
        m
    );
    // Removing one keeps the other.
    let removes = both.attrs(".active-filters a.remove", "href");
    assert_eq!(removes, ["/?actor=keir-starmer", "/?actor=friedrich-merz"]);
}

#[tokio::test]
async fn topic_filter_includes_subtopics_and_combines_with_others() {
    let site = site().await;
    let parent = get(&site.app, "/?topic=ukraine-war").await;
    let child = get(&site.app, "/?topic=security-guarantees").await;
    ok_html(&parent);
    ok_html(&child);
    let (p, c) = (parent.count("article.event"), child.count("article.event"));
    assert!(c >= 1 && p >= c, "parent {p}, child {c}");
    assert_eq!(
        child.count("article.event:has(a.topic[href='/topics/security-guarantees'], a.topic[href='/topics/peacekeeping'])"),
        c
    );

    let combined = get(&site.app, "/?from=2025-02-01&to=2025-03-31&actor=emmanuel-macron&topic=ukraine-war").await;
    ok_html(&combined);
    let dates = event_dates(&combined);
    assert!(!dates.is_empty());
    assert!(dates.iter().all(|d| ("2025-02-01".."2025-04-01").contains(&d.as_str())), "{dates:?}");
    assert_eq!(combined.count("article.event:has(a.actor[href='/actors/emmanuel-macron'])"), dates.len());
    assert_eq!(
        combined.attrs("link[rel=canonical]", "href"),
        ["http://127.0.0.1:8080/?from=2025-02-01&to=2025-03-31&actor=emmanuel-macron&topic=ukraine-war"]
    );
    assert_eq!(combined.count(".active-filters a.remove"), 4);
}

#[tokio::test]
async fn bad_parameters_get_a_400_that_names_them() {
    let site = site().await;
    for (uri, param) in [
        ("/?from=2025-13-01", "from"),
        ("/?to=soon", "to"),
        ("/?from=2025-03-01&to=2025-02-01", "to"),
        ("/?actor=Not%20A%20Slug", "actor"),
        ("/?topic=%3Cscript%3E", "topic"),
    ] {
        let page = get(&site.app, uri).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{uri}");
        let message = page.texts("section.error p.message").join("");
        assert!(message.starts_with(&format!("{param}: ")), "{uri}: {message}");
        assert_eq!(page.attrs("section.error ul.recovery a", "href"), ["/"]);
    }
}

#[tokio::test]
async fn unknown_slugs_get_a_404_with_links_back() {
    let site = site().await;
    for (uri, back) in [
        ("/?actor=nobody-at-all", "/actors"),
        ("/?topic=no-such-topic", "/topics"),
        ("/actors/nobody-at-all", "/actors"),
        ("/sources/no-such-article", "/sources"),
        ("/topics/no-such-topic", "/topics"),
        ("/events/2030-01-01-nothing", "/"),
        ("/no/such/page", "/"),
    ] {
        let page = get(&site.app, uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(page.texts("section.error h1"), ["Not found"], "{uri}");
        assert!(page.attrs("section.error ul.recovery a", "href").contains(&back.to_string()), "{uri}");
    }
}

#[tokio::test]
async fn actor_pages_list_statements_in_time_order() {
    let site = site().await;
    let list = get(&site.app, "/actors").await;
    ok_html(&list);
    let people = list.attrs("section.actor-group:first-of-type a.actor", "href");
    for slug in ["emmanuel-macron", "donald-trump", "keir-starmer", "volodymyr-zelenskyy", "friedrich-merz", "vladimir-putin"] {
        assert!(people.contains(&format!("/actors/{slug}")), "{slug} in {people:?}");
    }
    assert!(!people.contains(&"/actors/vugar-khalilov".to_string()));

    let page = get(&site.app, "/actors/donald-trump").await;
    ok_html(&page);
    assert_eq!(page.texts("h1"), ["Donald Trump"]);
    let quotes = page.texts("li.statement blockquote");
    assert!(quotes.len() >= 4, "{quotes:?}");
    assert!(quotes.iter().any(|q| q.contains("security guarantees beyond very much")), "{quotes:?}");
    let days: Vec<String> = page.texts("li.statement .meta time");
    let parsed: Vec<chrono::NaiveDate> = days
        .iter()
        .map(|d| chrono::NaiveDate::parse_from_str(d, "%d %b %Y").expect("date"))
        .collect();
    assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    for href in page.attrs("li.statement a.source", "href") {
        assert!(href.starts_with("/sources/") && href.contains("#s-"), "{href}");
    }
    assert!(page.count("section.events article.event") >= 1);
    assert!(page.texts("ul.roles li").iter().any(|r| r.starts_with("President, United States")));
}

#[tokio::test]
async fn source_pages_mark_quotes_actors_and_dates() {
    let site = site().await;
    let list = get(&site.app, "/sources").await;
    ok_html(&list);
    let links = list.attrs("table.list a.source", "href");
    assert_eq!(links.len(), 5);
    let caliber = list
        .html()
        .select(&scraper::Selector::parse("table.list tr").expect("css"))
        .find(|tr| tr.text().any(|t| t.contains("Caliber.Az")))
        .map(|tr| tr.text().collect::<String>())
        .expect("Caliber.Az row");
    assert!(caliber.contains("via Politico"), "{caliber}");

    let page = get(&site.app, "/sources/politico-macron-fails-to-secure-us-security-guarantees").await;
    ok_html(&page);
    assert!(page.count(".body span.sentence[id^=s-]") > 10);
    assert!(page.count(".body mark.quote") >= 5);
    assert!(page.count(".body a.actor[href='/actors/emmanuel-macron']") >= 3);
    assert!(page.attrs(".body time", "datetime").contains(&"2025-02-26".to_string()));
    assert!(page.count("aside li.statement") >= 5);
    assert_eq!(page.attrs("time.published", "datetime"), ["2025-02-27"]);
    let text = page.texts(".body").join(" ");
    assert!(!text.contains("By Vugar Khalilov"), "byline is boilerplate");
    assert_eq!(page.count("section.explanation"), 0);

    // On demand, every fact with the rule that produced it.
    let explained = get(&site.app, "/sources/politico-macron-fails-to-secure-us-security-guarantees?explain=1").await;
    ok_html(&explained);
    let kinds = explained.texts("section.explanation tbody td:nth-child(2)");
    for kind in ["actor", "date", "quote", "event"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let rules = explained.texts("section.explanation tbody td code");
    assert_eq!(rules.len(), kinds.len());
    assert!(rules.iter().all(|r| r.contains('.')), "{rules:?}");
    for href in explained.attrs("section.explanation tbody td:first-child a", "href") {
        assert_eq!(explained.count(&format!("span.sentence{href}")), 1, "{href}");
    }
    let bad = get(&site.app, "/sources/politico-macron-fails-to-secure-us-security-guarantees?explain=yes").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn event_pages_cite_every_source() {
    let site = site().await;
    let page = get(&site.app, "/?from=2025-02-26&to=2025-02-26&actor=emmanuel-macron").await;
    let hrefs = page.attrs("article.event h3.title a", "href");
    let mut cited_by_two = false;
    for href in &hrefs {
        let event = get(&site.app, href).await;
        ok_html(&event);
        let citations = event.count("li.citation");
        assert!(citations >= 1);
        assert_eq!(event.count("li.citation blockquote"), citations);
        cited_by_two |= citations >= 2;
    }
    assert!(cited_by_two, "the video conference is reported by two outlets: {hrefs:?}");
}

#[tokio::test]
async fn topic_pages_show_the_tree_and_a_topics_events() {
    let site = site().await;
    let list = get(&site.app, "/topics").await;
    ok_html(&list);
    assert!(list.count(".topic-tree li.depth-1 a[href='/topics/security-guarantees']") == 1);
    let page = get(&site.app, "/topics/security-guarantees").await;
    ok_html(&page);
    assert_eq!(page.texts("h1"), ["Security guarantees for Ukraine"]);
    assert_eq!(page.count("section.articles li"), 5);
    assert!(page.count("section.events article.event") >= 1);
    assert!(page.attrs(".parent a", "href").contains(&"/topics/ukraine-war".to_string()));
}

#[tokio::test]
async fn static_files_and_headers() {
    let site = site().await;
    let css = get(&site.app, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css"));
    let escape = get(&site.app, "/static/../Cargo.toml").await;
    assert_eq!(escape.status, StatusCode::NOT_FOUND);
}
