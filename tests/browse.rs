//! Browsing features through the real router: facets, search, presets, the density chart,
//! keyset paging, the timeline's twins, compare, and page metadata.

mod common;

use std::fmt::Write as _;

use axum::http::StatusCode;
use common::{app, get, site};


fn count_of(page: &common::Page) -> (i64, i64, i64) {
    let text = page.texts("p.count").join(" ");
    let words: Vec<&str> = text.split_whitespace().collect();
    // "Showing A–B of N events."
    let range = words.get(1).copied().unwrap_or("");
    let (a, b) = range.split_once('–').unwrap_or(("0", "0"));
    let n = words.get(3).copied().unwrap_or("0");
    (a.parse().unwrap_or(-1), b.parse().unwrap_or(-1), n.parse().unwrap_or(-1))
}

/// (label, count, href) of one facet's values.
fn facet(page: &common::Page, name: &str) -> Vec<(String, i64, String)> {
    let html = page.html();
    let section = scraper::Selector::parse("aside.facets section.facet").expect("css");
    let h2 = scraper::Selector::parse("h2").expect("css");
    let li = scraper::Selector::parse("li").expect("css");
    let a = scraper::Selector::parse("a").expect("css");
    let n = scraper::Selector::parse(".n").expect("css");
    html.select(&section)
        .find(|s| s.select(&h2).any(|h| h.text().collect::<String>() == name))
        .map(|s| {
            s.select(&li)
                .filter_map(|item| {
                    let link = item.select(&a).next()?;
                    let label = link.text().collect::<String>().replace('✓', "").trim().to_string();
                    let count = item.select(&n).next()?.text().collect::<String>().trim().parse().ok()?;
                    Some((label, count, link.value().attr("href")?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn facets_count_the_current_filters_and_toggle_values() {
    let site = site().await;
    let all = get(&site.app, "/").await;
    let (_, _, total) = count_of(&all);
    let actors = facet(&all, "Actors");
    let (label, count, href) = actors.iter().find(|(l, ..)| l == "Keir Starmer").cloned().expect("Starmer facet");
    assert_eq!(label, "Keir Starmer");
    assert!(count >= 1 && count < total);
    assert_eq!(href, "/?actor=keir-starmer");

    // Following the link shows exactly that many events.
    let starmer = get(&site.app, &href).await;
    assert_eq!(count_of(&starmer).2, count);
    // Within the facet, values combine with OR: adding Merz can only grow the list, and the
    // counts shown for other actors are what choosing them too would give.
    let after = facet(&starmer, "Actors");
    let (_, merz_count, merz_href) = after.iter().find(|(l, ..)| l == "Friedrich Merz").cloned().expect("Merz");
    assert_eq!(merz_href, "/?actor=keir-starmer&actor=friedrich-merz");
    let both = get(&site.app, &merz_href).await;
    assert!(count_of(&both).2 >= count);
    assert!(merz_count >= 1);
    // The selected value links back to the list without it.
    let selected = after.iter().find(|(l, ..)| l == "Keir Starmer").expect("selected Starmer");
    assert_eq!(selected.2, "/");
    // Across facets, AND: month counts follow the actor filter.
    let months = facet(&starmer, "Months");
    assert_eq!(months.iter().map(|m| m.1).sum::<i64>(), count);
    for (label, n, href) in months {
        let page = get(&site.app, &href).await;
        assert_eq!(count_of(&page).2, n, "{label}");
    }
    for name in ["Topics", "Outlets", "Event kinds"] {
        assert!(!facet(&all, name).is_empty(), "{name}");
    }
    let outlets = facet(&all, "Outlets");
    let (_, n, href) = outlets.iter().find(|(l, ..)| l == "UNN").cloned().expect("UNN");
    assert_eq!(count_of(&get(&site.app, &href).await).2, n);
}

#[tokio::test]
async fn search_finds_events_quotes_and_articles_and_never_fails() {
    let site = site().await;
    let page = get(&site.app, "/?q=video+conference").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(count_of(&page).2 >= 1);
    let titles = page.texts("article.event h3.title").join(" | ").to_lowercase();
    assert!(titles.contains("video") || titles.contains("conference"), "{titles}");

    let page = get(&site.app, "/?q=waste+of+time").await;
    let marks = page.texts(".quotes-found blockquote mark");
    assert!(marks.iter().any(|m| m.eq_ignore_ascii_case("waste")), "{marks:?}");
    assert!(page.count(".articles-found li.hit") >= 2);
    assert!(page.texts(".articles-found .snippet mark").len() >= 2);

    for hostile in ["%22", "NEAR(", "a+AND", "*", "%22unbalanced", "macron%22+OR+%22", "-", "%28%29%5E", "%E2%80%9C"] {
        let page = get(&site.app, &format!("/?q={hostile}")).await;
        assert_eq!(page.status, StatusCode::OK, "q={hostile}: {}", page.body);
    }
    // Script in the query is shown as text.
    let page = get(&site.app, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("main script"), 0);
    assert_eq!(page.attrs("form.filters input[name=q]", "value"), ["<script>alert(1)</script>"]);
}

#[tokio::test]
async fn presets_and_the_density_chart_narrow_the_range() {
    let site = site().await;
    let page = get(&site.app, "/?actor=emmanuel-macron").await;
    let presets = page.attrs("nav.presets a", "href");
    assert_eq!(presets[0], "/?actor=emmanuel-macron");
    assert!(presets.contains(&"/?from=2025-02-01&to=2025-02-28&actor=emmanuel-macron".to_string()), "{presets:?}");
    let bars = page.attrs("figure.density a.bar", "href");
    assert!(!bars.is_empty());
    let total: i64 = count_of(&page).2;
    let mut sum = 0;
    for href in &bars {
        assert!(href.contains("from=") && href.contains("to=") && href.contains("actor=emmanuel-macron"), "{href}");
        sum += count_of(&get(&site.app, href).await).2;
    }
    // Week-precision events can cover two weeks, so bars may count one event twice, never less.
    assert!(sum >= total, "{sum} < {total}");
    let titles = page.texts("figure.density rect title");
    assert_eq!(titles.len(), bars.len());
    assert!(titles[0].starts_with("Week of "), "{titles:?}");
}

/// Writes `n` one-event articles, eight days apart from 1 March 2025 (so that no two of the
/// similar quotes in them count as one statement, which needs them within a week).
fn many_articles(dir: &std::path::Path, n: u32) {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    for i in 0..n {
        let day = start + chrono::Duration::days(8 * i64::from(i));
        let mut text = String::new();
        let _ = write!(
            text,
            "---\ntitle: Talks day {i}\noutlet: Wire {w}\npublished: {day}\n---\nOn {month} {d}, French President Emmanuel Macron met British Prime Minister Keir Starmer in Paris to discuss security guarantees, round {i}.\n\n“We agreed on the plan for round {i},” Macron said.\n",
            w = i % 3,
            month = day.format("%B"),
            d = day.format("%-d"),
        );
        std::fs::write(dir.join(format!("a{i:03}.txt")), text).expect("write");
    }
}

#[tokio::test]
async fn keyset_pages_walk_every_event_once_and_say_where_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("mkdir");
    many_articles(&articles, 120);
    let db = dir.path().join("e.db");
    let pool = entente::store::open_rw(&db).await.expect("open");
    let mut log = Vec::new();
    let summary = entente::import::import(&pool, &common::reference(), &[articles], &mut log).await.expect("import");
    assert_eq!(summary.new, 120, "{}", String::from_utf8_lossy(&log));
    pool.close().await;
    let (app, _) = app(&db).await;

    let mut uri = "/".to_string();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = get(&app, &uri).await;
        assert_eq!(page.status, StatusCode::OK);
        let (a, b, n) = count_of(&page);
        let slugs = page.attrs("article.event", "id");
        assert_eq!(n, 120);
        assert_eq!(a, seen.len() as i64 + 1, "{uri}");
        assert_eq!(b - a + 1, slugs.len() as i64);
        seen.extend(slugs);
        pages += 1;
        match page.attrs("nav.pager a[rel=next]", "href").first() {
            Some(next) => uri = next.clone(),
            None => break,
        }
        // Going back lands on the previous page.
        let back = page.attrs("nav.pager a[rel=prev]", "href");
        assert_eq!(back.len(), usize::from(pages > 1));
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120);

    let last = get(&app, &uri).await;
    let prev = last.attrs("nav.pager a[rel=prev]", "href");
    let middle = get(&app, &prev[0]).await;
    assert_eq!(count_of(&middle), (51, 100, 120));

    // The complete CSV export has every event, not a page.
    let csv = get(&app, "/timeline.csv").await;
    assert_eq!(csv.body.lines().count(), 121);

    // The source list pages newest first, and back.
    let sources = get(&app, "/sources").await;
    assert_eq!(sources.count("table.list tbody tr"), 100);
    let older = get(&app, &sources.attrs("nav.pager a[rel=next]", "href")[0]).await;
    assert_eq!(older.count("table.list tbody tr"), 20);
    assert!(older.attrs("nav.pager a[rel=next]", "href").is_empty());
    let newer = get(&app, &older.attrs("nav.pager a[rel=prev]", "href")[0]).await;
    assert_eq!(newer.count("table.list tbody tr"), 100);
    assert_eq!(newer.texts("table.list tbody tr")[0], sources.texts("table.list tbody tr")[0]);

    // An actor's 120 statements come 100 to a page, in time order.
    let actor = get(&app, "/actors/emmanuel-macron").await;
    assert_eq!(actor.count("li.statement"), 100);
    assert_eq!(actor.texts("section.statements > h2"), ["Statements (120)"]);
    let rest = get(&app, &actor.attrs("nav.pager a[rel=next]", "href")[0]).await;
    assert_eq!(rest.count("li.statement"), 20);
    let first_of_rest = rest.texts("li.statement blockquote")[0].clone();
    assert_eq!(first_of_rest, "We agreed on the plan for round 100,");
}

/// The server keeps the timeline's index in memory: an import into the database it serves
/// must show on the next request, in the count, the facets, the pages and the twins.
#[tokio::test]
async fn an_import_while_serving_shows_on_the_next_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = common::seeded_db(dir.path()).await;
    let (app, _pool) = app(&db).await;
    let before = get(&app, "/").await;
    let (_, _, n) = count_of(&before);
    let wires_before = get(&app, "/?outlet=wire-1").await;
    assert_eq!(wires_before.status, StatusCode::NOT_FOUND, "no such outlet yet");

    let articles = dir.path().join("more");
    std::fs::create_dir(&articles).expect("mkdir");
    many_articles(&articles, 6);
    let pool = entente::store::open_rw(&db).await.expect("open");
    let mut log = Vec::new();
    let summary = entente::import::import(&pool, &common::reference(), &[articles], &mut log).await.expect("import");
    assert_eq!(summary.new, 6, "{}", String::from_utf8_lossy(&log));
    pool.close().await;

    let after = get(&app, "/").await;
    assert_eq!(count_of(&after).2, n + 6);
    let wires = get(&app, "/?outlet=wire-1").await;
    assert_eq!(count_of(&wires), (1, 2, 2));
    assert!(facet(&wires, "Actors").iter().any(|(label, count, _)| label == "Keir Starmer" && *count == 2));
    let csv = get(&app, "/timeline.csv?outlet=wire-1").await;
    assert_eq!(csv.body.lines().count(), 3);
}

#[tokio::test]
async fn the_timeline_twins_take_the_same_filters() {
    let site = site().await;
    let filter = "actor=keir-starmer&topic=ukraine-war";
    let page = get(&site.app, &format!("/?{filter}")).await;
    let n = count_of(&page).2 as usize;
    assert!(n >= 1);
    let twins = page.attrs(".share a.twin", "href");
    assert_eq!(twins.len(), 4);
    assert!(twins.iter().all(|t| t.ends_with(&format!("?{filter}"))), "{twins:?}");

    let json = get(&site.app, &format!("/timeline.json?{filter}")).await;
    assert!(json.content_type.starts_with("application/json"));
    let value: serde_json::Value = serde_json::from_str(&json.body).expect("valid JSON");
    let events = value["events"].as_array().expect("events");
    assert_eq!(events.len(), n);
    assert!(events.iter().all(|e| e["actors"].as_array().expect("actors").iter().any(|a| a == "keir-starmer")));

    let csv = get(&site.app, &format!("/timeline.csv?{filter}")).await;
    assert!(csv.content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(reader.records().count(), n);

    let atom = get(&site.app, &format!("/timeline.atom?{filter}")).await;
    assert!(atom.content_type.starts_with("application/atom+xml"));
    assert_eq!(atom.body.matches("<entry>").count(), n);
    assert!(atom.body.trim_end().ends_with("</feed>"));

    let ics = get(&site.app, &format!("/timeline.ics?{filter}")).await;
    assert!(ics.content_type.starts_with("text/calendar"));
    assert_eq!(ics.body.matches("BEGIN:VEVENT").count(), n);
    assert!(ics.body.lines().all(|l| l.len() <= 75), "folded lines");
    assert!(ics.body.ends_with("END:VCALENDAR\r\n"));

    let bad = get(&site.app, "/timeline.csv?from=nope").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = get(&site.app, "/timeline.ics?actor=nobody-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn actor_and_source_lists_have_json_and_csv_twins() {
    let site = site().await;
    let actors: serde_json::Value = serde_json::from_str(&get(&site.app, "/actors.json").await.body).expect("json");
    assert!(actors["actors"].as_array().expect("list").iter().any(|a| a["slug"] == "volodymyr-zelenskyy"));
    let csv = get(&site.app, "/actors.csv").await;
    assert!(csv.body.starts_with("slug,name,kind,articles,quotes,events"));
    let sources: serde_json::Value = serde_json::from_str(&get(&site.app, "/sources.json").await.body).expect("json");
    assert_eq!(sources["sources"].as_array().expect("list").len(), 5);
    let csv = get(&site.app, "/sources.csv").await;
    assert_eq!(csv::Reader::from_reader(csv.body.as_bytes()).records().count(), 5);
}

#[tokio::test]
async fn compare_puts_leaders_side_by_side_in_time_order() {
    let site = site().await;
    let page = get(&site.app, "/compare?actor=donald-trump&actor=emmanuel-macron&topic=security-guarantees").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("table.compare thead th a.actor"), ["Donald Trump", "Emmanuel Macron"]);
    let rows = page.count("table.compare tbody tr");
    assert!(rows >= 4, "{rows}");
    // Each row has one statement, in its speaker's column.
    assert_eq!(page.count("table.compare tbody li.statement"), rows);
    for (column, slug) in [(2, "donald-trump"), (3, "emmanuel-macron")] {
        let speakers = page.attrs(&format!("table.compare tbody td:nth-child({column}) .speaker a"), "href");
        assert!(speakers.iter().all(|h| *h == format!("/actors/{slug}")), "{speakers:?}");
    }
    let dates: Vec<chrono::NaiveDate> = page
        .texts("table.compare tbody th time")
        .iter()
        .map(|d| chrono::NaiveDate::parse_from_str(d, "%d %b %Y").expect("date"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(page.attrs("input[name=actor][checked]", "value"), ["donald-trump", "emmanuel-macron"]);

    let one = get(&site.app, "/compare?actor=donald-trump").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.count("table.compare"), 0);
    assert_eq!(one.texts("p.empty"), ["Pick two or more leaders to see their statements side by side."]);
}

#[tokio::test]
async fn actor_pages_group_statements_by_month_with_roles_and_context() {
    let site = site().await;
    let page = get(&site.app, "/actors/donald-trump").await;
    assert_eq!(page.texts("section.statement-month h3"), ["February 2025", "September 2025"]);
    let roles = page.texts("li.statement .role");
    assert!(!roles.is_empty());
    assert!(roles.iter().all(|r| r == "(President, United States)"), "{roles:?}");
    // The same statement in Politico's two republications is one entry with its variant.
    let variants = page.texts("li.statement details.variants summary");
    assert!(variants.contains(&"Same statement in 2 outlets".to_string()), "{variants:?}");
    assert!(page.count("section.co-actors li") >= 3);
    assert!(page.attrs("section.speaks-on a.topic", "href").contains(&"/topics/security-guarantees".to_string()));
}

#[tokio::test]
async fn event_pages_show_corroboration_and_related_events() {
    let site = site().await;
    let page = get(&site.app, "/?from=2025-02-26&to=2025-02-26&actor=emmanuel-macron").await;
    let mut found = false;
    for href in page.attrs("article.event h3.title a", "href") {
        let event = get(&site.app, &href).await;
        let corroboration = event.texts("p.corroboration").join("");
        if corroboration == "Reported by 2 sources." {
            found = true;
            assert!(event.count("section.related-events article.event") >= 1);
        }
    }
    assert!(found, "the video conference is corroborated by two outlets");
}

#[tokio::test]
async fn form_submissions_redirect_to_the_canonical_url() {
    let site = site().await;
    let submitted = "/?q=&from=&to=&topic=security-guarantees&actor=keir-starmer&actor=&utm_source=chat";
    let first = common::get_once(&site.app, submitted).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location.as_deref(), Some("/?actor=keir-starmer&topic=security-guarantees"));
    let canonical = common::get_once(&site.app, "/?actor=keir-starmer&topic=security-guarantees").await;
    assert_eq!(canonical.status, StatusCode::OK);
    let timeline = common::get_once(&site.app, "/timeline?topic=security-guarantees&from=2025-02-01").await;
    assert_eq!(timeline.location.as_deref(), Some("/timeline?from=2025-02-01&topic=security-guarantees"));
}

#[tokio::test]
async fn pages_carry_canonical_links_and_open_graph_previews() {
    let site = site().await;
    for uri in ["/", "/?actor=keir-starmer", "/actors/keir-starmer", "/sources", "/topics/security-guarantees", "/compare"] {
        let page = get(&site.app, uri).await;
        let canonical = page.attrs("link[rel=canonical]", "href");
        assert_eq!(canonical.len(), 1, "{uri}");
        assert!(canonical[0].starts_with("http://127.0.0.1:8080/"), "{uri}: {canonical:?}");
        assert_eq!(page.attrs("meta[property='og:url']", "content"), canonical, "{uri}");
        assert_eq!(page.count("meta[property='og:title']"), 1, "{uri}");
        let description = page.attrs("meta[property='og:description']", "content");
        assert!(!description[0].is_empty(), "{uri}");
    }
    let page = get(&site.app, "/?actor=keir-starmer").await;
    let description = page.attrs("meta[property='og:description']", "content");
    assert!(description[0].contains("with Keir Starmer"), "{description:?}");
    // Every event on a list has its anchor.
    assert!(page.attrs("article.event", "id").iter().all(|id| id.starts_with("e-")));
}

/// The summaries the import refreshes must say exactly what counting live says: every page
/// that uses them is the same before the refresh (live) and after it (summaries).
#[tokio::test]
async fn summaries_match_live_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = common::seeded_db(dir.path()).await;
    let mut live = Vec::new();
    let mut views = vec!["/".to_string()];
    {
        let (app, pool) = app(&db).await;
        // Each facet's first value, as a one-filter view.
        let home = get(&app, "/").await;
        for key in ["actor", "topic", "outlet", "kind", "month"] {
            let hrefs = home.attrs(&format!(".facets a[href*='{key}=']"), "href");
            views.push(hrefs.first().unwrap_or_else(|| panic!("a {key} facet")).clone());
        }
        views.extend(["/actors", "/actors.json", "/compare"].map(String::from));
        for uri in &views {
            let page = get(&app, uri).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            live.push(page.body);
        }
        pool.close().await;
    }
    let pool = entente::store::open_rw(&db).await.expect("open");
    entente::store::summary::refresh_summaries(&pool).await.expect("refresh");
    pool.close().await;
    let (app, _pool) = app(&db).await;
    for (uri, live) in views.iter().zip(live) {
        let page = get(&app, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_eq!(page.body, live, "{uri} differs with the summaries");
    }
}
