"""Recommendation strategies, hybrid ranking and the live service, on the hand-made graph of recommend_catalog.py
in the embedded FalkorDB."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mediagateway.graph.errors import InvalidInput
from mediagateway.graph.repository import GraphRepository
from mediagateway.recommend import filters
from mediagateway.recommend.ahead import RankedAhead
from mediagateway.recommend.context import ViewingContext, fit
from mediagateway.recommend.data import Catalog, NotEnoughData, RecommendationData, Taste, TitleFacts, Viewer
from mediagateway.recommend.explain import FINISHED, PathExplainer
from mediagateway.recommend.filters import Platform, Where
from mediagateway.recommend.hybrid import (
    FusionWeights,
    HybridStrategy,
    Lineup,
    TitleVectors,
    maximal_marginal_relevance,
    reciprocal_rank_fusion,
)
from mediagateway.recommend.service import RecommendationRequest, Recommender
from mediagateway.recommend.strategies import (
    CollaborativeStrategy,
    ContentStrategy,
    ContextStrategy,
    GnnStrategy,
    GraphCollaborativeStrategy,
    ItemKnnStrategy,
    MostPopularStrategy,
    PopularityStrategy,
    Reason,
    ReasonKind,
    Scored,
    best_rows,
    content_features,
)

from . import recommend_catalog as catalog
from .recommend_catalog import DAY_MS, NOW_MS

NOW = ViewingContext(now_ms=NOW_MS)
LATE_ON_A_WEEKNIGHT = ViewingContext(now_ms=NOW_MS, local_hour=23, weekday=1)  # Tuesday 23:00
SUNDAY_AFTERNOON = ViewingContext(now_ms=NOW_MS, local_hour=15, weekday=6)


async def loaded(repo: GraphRepository) -> RecommendationData:
    await catalog.load(repo)
    return await RecommendationData.load(repo.store)


def ids(results: list[Scored]) -> list[str]:
    return [s.title_id for s in results]


def texts(scored: Scored) -> list[str]:
    return [reason.text for reason in scored.reasons]


def by_id(results: list[Scored]) -> dict[str, Scored]:
    return {s.title_id: s for s in results}


# --- the snapshot --------------------------------------------------------------------------------------------------


async def test_the_snapshot_folds_each_viewers_interactions_per_title(repo: GraphRepository) -> None:
    data = await loaded(repo)

    ana = data.viewer("user:ana")

    assert data.viewer_ids == ["user:ana", "user:ben", "user:cy", "user:dee", "user:fay", "user:gus"]
    assert len(data.catalog) == 8
    heat = ana.tastes["title:heat"]
    assert heat.engagement == pytest.approx(0.9 + 1.0)  # five stars (0.9) and a finished watch (1.0)
    assert heat.evidence == pytest.approx(1.0) and heat.stars == 5 and heat.finished
    assert data.viewer("user:dee").tastes["title:shining"].engagement == 0  # a skip
    assert data.viewer("user:cy").tastes["title:toy-story"].engagement == pytest.approx(0.5)  # 2 stars: watched


async def test_too_little_to_learn_from_is_refused_saying_what_there_is(repo: GraphRepository) -> None:
    await repo.upsert_contents(catalog.TITLES[:2])
    await repo.upsert_users([{"id": "user:solo"}])
    await repo.upsert_interactions([catalog._rated("solo", "heat", 5, 1), catalog._rated("solo", "insider", 4, 2)])
    data = await RecommendationData.load(repo.store)

    with pytest.raises(NotEnoughData, match=r"2 interaction\(s\) by 1 viewer\(s\) with 2 title\(s\); .* at least 10"):
        data.check_enough()


# --- collaborative -----------------------------------------------------------------------------------------------


async def test_collaborative_walk_in_cypher_and_from_the_snapshot_agree(repo: GraphRepository) -> None:
    data = await loaded(repo)
    snapshot, graph = CollaborativeStrategy(data), GraphCollaborativeStrategy(repo.store)

    for user in data.viewer_ids:
        viewer = data.viewer(user)
        from_snapshot = await snapshot.recommend(viewer, 10, NOW)
        in_cypher = await graph.recommend(viewer, 10, NOW)

        assert ids(from_snapshot) == ids(in_cypher), user
        assert [s.score for s in from_snapshot] == pytest.approx([s.score for s in in_cypher], rel=1e-9), user
        assert [s.reasons for s in from_snapshot] == [s.reasons for s in in_cypher], user
        assert from_snapshot, user


async def test_collaborative_walk_scores_and_explains_by_hand(repo: GraphRepository) -> None:
    data = await loaded(repo)

    results = await CollaborativeStrategy(data).recommend(data.viewer("user:ana"), 10, NOW)

    assert ids(results) == ["title:insider", "title:godfather", "title:airplane", "title:collateral", "title:cars",
                            "title:shining"]
    # The Shining is reached one way only: ana -> Toy Story (0.7 of her 2.6) -> gus (0.8 of Toy Story's 2.9) ->
    # The Shining (1.0 of gus's 2.7); each step to the power 0.6, over The Shining's own weight 1.0 to the power 0.5.
    shining = by_id(results)["title:shining"]
    assert shining.score == pytest.approx((0.7 / 2.6 * 0.8 / 2.9 * 1.0 / 2.7) ** 0.6)
    assert texts(shining) == ["people who watched \u201cToy Story\u201d also watched this"]
    assert texts(by_id(results)["title:insider"]) == ["people who watched \u201cHeat\u201d also watched this"]


async def test_nothing_a_viewer_has_touched_comes_back(repo: GraphRepository) -> None:
    data = await loaded(repo)
    dee = data.viewer("user:dee")

    for strategy in (CollaborativeStrategy(data), ContentStrategy(data), PopularityStrategy(data),
                     ItemKnnStrategy(data), MostPopularStrategy(data)):
        assert not set(ids(await strategy.recommend(dee, 10, NOW))) & dee.seen, strategy.name
    assert "title:shining" in dee.seen  # a skip counts as touched


# --- content -----------------------------------------------------------------------------------------------------


async def test_content_finds_titles_like_the_ones_liked_and_names_them(repo: GraphRepository) -> None:
    data = await loaded(repo)

    results = by_id(await ContentStrategy(data).recommend(data.viewer("user:ana"), 10, NOW))

    assert texts(results["title:collateral"]) == ["like \u201cHeat\u201d, which you liked (crime, thriller, tense)"]
    assert texts(results["title:cars"]) == ["like \u201cToy Story\u201d, which you liked (animation, comedy, family)"]
    assert texts(results["title:insider"]) == ["like \u201cHeat\u201d, which you liked (thriller, the 1990s)"]
    assert "title:shining" not in results  # nothing in common with Heat or Toy Story


async def test_content_uses_text_embeddings_when_titles_have_them(repo: GraphRepository) -> None:
    await catalog.load(repo)
    fan_of_toy_story = Viewer("fan", {"title:toy-story": (await RecommendationData.load(repo.store)).viewer(
        "user:ana").tastes["title:toy-story"]})
    by_genres = ids(await ContentStrategy(await RecommendationData.load(repo.store)).recommend(
        fan_of_toy_story, 10, NOW))
    axis = {"title:toy-story": 1, "title:airplane": 1, "title:cars": 2}
    await repo.set_text_embeddings([(title, [1.0 if i == hot else 0.0 for i in range(384)], None)
                                    for title, hot in axis.items()])
    data = await RecommendationData.load(repo.store)

    with_text = ids(await ContentStrategy(data).recommend(fan_of_toy_story, 10, NOW))

    assert data.catalog.text_vectors is not None
    assert by_genres.index("title:cars") < by_genres.index("title:airplane")  # three genres shared against one
    assert with_text.index("title:airplane") < with_text.index("title:cars")  # Airplane!'s text is Toy Story's


async def test_content_on_a_large_catalog_scores_a_shortlist_and_finds_nearly_what_scoring_every_title_finds(
        ) -> None:
    rng = np.random.default_rng(7)
    themes = rng.normal(size=(40, 384))
    titles = [TitleFacts(f"t{n:05d}", genres=(f"g{n % 12}",), year=1950 + n % 70) for n in range(3_000)]
    text = {title.id: themes[n % 40] + 0.6 * rng.normal(size=384) for n, title in enumerate(titles)}
    viewers = [Viewer(f"v{n}", {f"t{t:05d}": Taste(engagement=1.0, evidence=1.0, at=0)
                                for t in rng.choice(3_000, size=8, replace=False)}) for n in range(30)]
    data = RecommendationData(Catalog(titles, text), viewers)
    exact, shortlisted = ContentStrategy(data), ContentStrategy(data, exact_up_to=1_000)

    overlaps = [len(set(ids(await exact.recommend(v, 50, NOW))) & set(ids(await shortlisted.recommend(v, 50, NOW))))
                for v in viewers]

    assert shortlisted._basis is not None and exact._basis is None
    assert min(overlaps) >= 45 and sum(overlaps) / len(overlaps) >= 48


# --- GraphSAGE adapter -------------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_gnn_strategy_ranks_unseen_titles_as_the_model_does(repo: GraphRepository) -> None:
    from mediagateway.graph.sage import SageConfig, train
    from mediagateway.graph.training_graph import training_graph_from_store

    data = await loaded(repo)
    model = train(await training_graph_from_store(repo.store), SageConfig(max_epochs=3, hidden=16, seed=7))
    ana = data.viewer("user:ana")

    results = await GnnStrategy(model, data).recommend(ana, 10, NOW)

    evidence = [(title_id, taste.evidence) for title_id, taste in sorted(ana.tastes.items())]
    cosine = model.score(model.embed_user(evidence, user_id="user:ana"))
    expected = sorted((t for t in model.title_ids if t not in ana.seen),
                      key=lambda t: (-cosine[model.title_ids.index(t)], t))
    assert ids(results) == expected
    assert [s.score for s in results] == pytest.approx([(1 + cosine[model.title_ids.index(t)]) / 2
                                                        for t in expected], rel=1e-5)
    assert all(r.kind is ReasonKind.GRAPH_MODEL and ("Heat" in r.text or "Toy Story" in r.text)
               for s in results for r in s.reasons)


# --- popularity and context --------------------------------------------------------------------------------------


def decayed(weight: float, days_ago: int) -> float:
    return weight * 2 ** (-days_ago / 365)


async def test_popularity_sums_engagement_halved_every_year(repo: GraphRepository) -> None:
    data = await loaded(repo)

    results = await PopularityStrategy(data).recommend(Viewer("user:eve"), 3, NOW)

    heat = decayed(1.9, 10) + decayed(1.9, 30) + decayed(1.0, 3) + decayed(0.7, 400)
    assert ids(results)[0] == "title:heat"
    assert results[0].score == pytest.approx(heat)
    assert texts(results[0]) == ["popular lately: 3 viewers in the past year"]  # fay's rating is 400 days old


async def test_popularity_counts_only_what_happened_before_the_moment_asked_about(repo: GraphRepository) -> None:
    data = await loaded(repo)
    a_year_ago = ViewingContext(now_ms=NOW_MS - 395 * DAY_MS)

    results = await PopularityStrategy(data).recommend(Viewer("user:eve"), 10, a_year_ago)

    assert ids(results) == ["title:heat", "title:godfather", "title:insider"]  # fay's, 400 to 402 days back


async def test_context_favours_short_light_titles_late_on_a_weeknight(repo: GraphRepository) -> None:
    data = await loaded(repo)
    popularity = PopularityStrategy(data)
    context = ContextStrategy(data, popularity)
    eve = Viewer("user:eve")

    plain = ids(await popularity.recommend(eve, 10, NOW))
    late = await context.recommend(eve, 10, LATE_ON_A_WEEKNIGHT)

    assert ids(await context.recommend(eve, 10, NOW)) == plain  # no context: no rule fires
    assert plain[:2] == ["title:heat", "title:toy-story"]
    # Toy Story (81 minutes, a comedy) x 1.5 x 1.3; Heat (170 minutes) x 0.6; The Shining (146, scary) x 0.6 x 0.8
    assert ids(late)[:2] == ["title:toy-story", "title:heat"]
    assert texts(late[0])[:2] == ["short, for a late weeknight", "light, for a late weeknight"]
    assert ids(late).index("title:airplane") < plain.index("title:airplane")
    assert ids(late)[-1] == "title:shining"
    assert late[0].score == pytest.approx(by_id(await popularity.recommend(eve, 10, NOW))["title:toy-story"].score
                                          * 1.5 * 1.3)


async def test_context_favours_family_titles_in_the_afternoon(repo: GraphRepository) -> None:
    data = await loaded(repo)
    popularity = PopularityStrategy(data)
    plain = ids(await popularity.recommend(Viewer("user:eve"), 10, NOW))

    results = await ContextStrategy(data, popularity).recommend(Viewer("user:eve"), 10, SUNDAY_AFTERNOON)

    assert plain.index("title:cars") > plain.index("title:collateral")
    assert ids(results)[:3] == ["title:heat", "title:toy-story", "title:cars"]  # Cars now before Collateral
    assert "for a family afternoon" in texts(by_id(results)["title:cars"])
    assert ids(results)[-1] == "title:shining"


async def test_context_rules_for_a_phone_and_a_mood(repo: GraphRepository) -> None:
    data = await loaded(repo)
    popularity = PopularityStrategy(data)
    context = ContextStrategy(data, popularity)
    plain = ids(await popularity.recommend(Viewer("user:eve"), 10, NOW))

    on_a_phone = by_id(await context.recommend(Viewer("user:eve"), 10, ViewingContext(now_ms=NOW_MS, device="mobile")))
    scared = await context.recommend(Viewer("user:eve"), 10, ViewingContext(now_ms=NOW_MS, mood="scary"))

    assert "short enough for a phone" in texts(on_a_phone["title:airplane"])
    assert plain[-1] == "title:shining"
    assert ids(scared).index("title:shining") == 3
    assert texts(by_id(scared)["title:shining"])[:2] == ["fits your mood", "in a genre that suits your mood"]


async def test_context_ranks_from_its_kept_order_as_it_would_over_every_title(repo: GraphRepository) -> None:
    data = await loaded(repo)
    popularity = PopularityStrategy(data)
    strategy = ContextStrategy(data, popularity)
    strategy.KEPT_ORDER = 3  # so that some viewers have seen too many of the kept titles
    viewers = [*data.viewers.values(), Viewer("user:eve")]

    for context in (NOW, LATE_ON_A_WEEKNIGHT, SUNDAY_AFTERNOON):
        every_title = popularity.scores_at(NOW_MS) * fit(strategy.traits, context).factors
        for viewer in viewers:
            for k in (2, 5):
                expected = best_rows(every_title, k, data.allowed(viewer))
                ranked = await strategy.rank(viewer, k, context)
                assert ids(ranked) == [data.catalog.ids[row] for row in expected], (viewer.id, k, context)
                assert [s.score for s in ranked] == pytest.approx(every_title[expected].tolist(), rel=1e-12)


def test_a_viewing_context_is_read_in_the_viewers_own_time() -> None:
    utc = ViewingContext.at(NOW_MS)
    nine_hours_ahead = ViewingContext.at(NOW_MS, utc_offset_minutes=9 * 60)

    assert (utc.local_hour, utc.weekday, utc.late_on_a_weeknight, utc.afternoon) == (14, 0, False, True)
    assert (nine_hours_ahead.local_hour, nine_hours_ahead.weekday) == (23, 0)
    assert nine_hours_ahead.late_on_a_weeknight


def test_a_bad_viewing_context_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="local_hour must be 0 to 23, got 24"):
        ViewingContext(local_hour=24)
    with pytest.raises(ValueError, match=r"mood must be one of .*, got 'grumpy'"):
        ViewingContext(mood="grumpy")
    with pytest.raises(ValueError, match="'watch'"):
        ViewingContext(device="watch")  # type: ignore[arg-type]


# --- baselines ---------------------------------------------------------------------------------------------------


async def test_item_knn_baseline_by_hand(repo: GraphRepository) -> None:
    data = await loaded(repo)

    results = by_id(await ItemKnnStrategy(data).recommend(data.viewer("user:ana"), 10, NOW))

    # Heat's column: ana 5, ben 5, cy 5 (a finished watch), fay 4; Collateral's: ben 4.5. Toy Story shares no
    # viewer with Collateral. So Collateral scores ana's 5 stars for Heat times their cosine.
    cosine = (5 * 4.5) / (math.sqrt(25 + 25 + 25 + 16) * 4.5)
    assert results["title:collateral"].score == pytest.approx(5 * cosine)
    assert texts(results["title:collateral"]) == ["rated like \u201cHeat\u201d by the same viewers"]


async def test_most_popular_baseline_counts_viewers_of_all_time(repo: GraphRepository) -> None:
    data = await loaded(repo)

    results = await MostPopularStrategy(data).recommend(Viewer("user:eve"), 2, NOW)

    assert [(s.title_id, s.score) for s in results] == [("title:heat", 4), ("title:toy-story", 4)]
    assert texts(results[0]) == ["one of the most watched: 4 viewers"]


# --- fusion and diversity ----------------------------------------------------------------------------------------


def reason(text: str) -> Reason:
    return Reason(ReasonKind.SIMILAR, text)


def test_reciprocal_rank_fusion_by_hand() -> None:
    rankings = {
        "collaborative": [Scored("x", 9, (reason("x by a"),)), Scored("y", 8), Scored("z", 7)],
        "content": [Scored("y", 1, (reason("y by b"),)), Scored("x", 1, (reason("x by b"),))],
        "gnn": [Scored("w", 1)],
    }
    weights = {"collaborative": 0.5, "content": 0.25, "gnn": 0.0}

    fused = reciprocal_rank_fusion(rankings, weights, k=60)

    assert ids(fused) == ["x", "y", "z"]  # gnn weighs nothing: w is not there
    assert [s.score for s in fused] == pytest.approx([0.5 / 61 + 0.25 / 62, 0.5 / 62 + 0.25 / 61, 0.5 / 63])
    assert texts(fused[0]) == ["x by a", "x by b"]  # the larger share first
    assert [s.sources for s in fused] == [("collaborative", "content"), ("collaborative", "content"),
                                          ("collaborative",)]
    assert reciprocal_rank_fusion(rankings, {"collaborative": 0.1, "content": 1.0})[0].sources == (
        "content", "collaborative")


def test_fusion_ties_go_to_the_lower_title_id() -> None:
    fused = reciprocal_rank_fusion({"a": [Scored("n", 1)], "b": [Scored("m", 1)]}, {"a": 1.0, "b": 1.0})

    assert ids(fused) == ["m", "n"]


def test_maximal_marginal_relevance_by_hand() -> None:
    candidates = [Scored("a", 1.0), Scored("b", 0.95), Scored("c", 0.94), Scored("d", 0.0)]
    similarity = np.eye(4)
    similarity[0, 1] = similarity[1, 0] = 1.0  # b is a copy of a

    diversified = maximal_marginal_relevance(candidates, similarity, lam=0.85)
    relevance_only = maximal_marginal_relevance(candidates, similarity, lam=1.0)

    # after a: b is worth 0.85 * 0.95 - 0.15 * 1 = 0.6575, c 0.85 * 0.94 = 0.799
    assert ids(diversified) == ["a", "c", "b", "d"]
    assert ids(relevance_only) == ["a", "b", "c", "d"]
    assert ids(maximal_marginal_relevance(candidates, similarity, lam=0.85, picks=2)) == ["a", "c"]


def test_fusion_weights_default_parse_and_refuse() -> None:
    assert FusionWeights().as_dict() == {"collaborative": 0.35, "content": 0.25, "gnn": 0.30, "context": 0.10}
    assert FusionWeights.parse("collaborative=0.5, gnn=0").as_dict() == {
        "collaborative": 0.5, "content": 0.25, "gnn": 0.0, "context": 0.10}
    with pytest.raises(ValueError, match="'popular=1' is not NAME=NUMBER"):
        FusionWeights.parse("popular=1")
    with pytest.raises(ValueError, match="content: 'lots' is not a number"):
        FusionWeights.parse("content=lots")
    with pytest.raises(ValueError, match=r"context must be a finite number of at least 0, got -0\.1"):
        FusionWeights(context=-0.1)
    with pytest.raises(ValueError, match="at least one weight must be above 0"):
        FusionWeights(0, 0, 0, 0)


async def test_hybrid_fuses_diversifies_and_falls_back_to_popularity(repo: GraphRepository) -> None:
    data = await loaded(repo)
    popularity = PopularityStrategy(data)
    strategies = [CollaborativeStrategy(data), ContentStrategy(data), ContextStrategy(data, popularity)]
    hybrid = HybridStrategy(strategies, popularity, TitleVectors(data.catalog.ids, content_features(data)))
    ana = data.viewer("user:ana")

    results = await hybrid.recommend(ana, 5, NOW)
    cold = await hybrid.recommend(Viewer("user:eve"), 3, NOW)

    rankings = await hybrid.rankings(ana, NOW)
    fused = reciprocal_rank_fusion(rankings, FusionWeights().as_dict())
    assert sorted(ids(results)) == sorted(ids(fused)[:5])
    assert not set(ids(results)) & ana.seen
    assert {r.kind for s in results for r in s.reasons} >= {ReasonKind.CO_VIEWING, ReasonKind.SIMILAR}
    assert ids(cold) == ids(await popularity.recommend(Viewer("user:eve"), 3, NOW))
    assert all(s.reasons[0].kind is ReasonKind.COLD_START for s in cold)


# --- the live service: filters and explanations from graph paths -------------------------------------------------


async def test_a_path_through_other_viewers_never_counts_the_viewer(repo: GraphRepository) -> None:
    data = await loaded(repo)
    paths = PathExplainer(data).co_viewers
    ben, ana = data.viewer("user:ben"), data.viewer("user:ana")

    # Only Ben finished (and liked) both Heat and Collateral: he is no other viewer of his own titles.
    assert paths.best(ben, ["title:collateral"]) == {}
    assert paths.best(ana, ["title:collateral"]) == {"title:collateral": {"title": "Heat", "how": FINISHED,
                                                                          "viewers": 1}}


async def test_live_recommendations_are_available_trusted_unseen_and_explained(repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)

    results = await recommender.recommend("user:ana", RecommendationRequest(k=10, context=NOW))

    # Heat and Toy Story: seen. The Insider: trusted 0.43 today. Cars: not in the US. Toy Story: not out yet.
    assert sorted(r.title_id for r in results) == ["title:airplane", "title:collateral", "title:godfather",
                                                   "title:shining"]
    found = {r.title_id: r for r in results}
    collateral = found["title:collateral"].explanation
    assert collateral.startswith("directed by Michael Mann, whose \u201cHeat\u201d you rated 5 stars; "
                                 "people who finished \u201cHeat\u201d also finished this (1 viewer)")
    assert collateral.endswith("on your StreamFlix")
    godfather = found["title:godfather"].explanation
    assert godfather.startswith("starring Al Pacino, whose \u201cHeat\u201d you rated 5 stars; "
                                "people who liked \u201cHeat\u201d also liked this (2 viewers)")
    assert godfather.endswith("on RentBox")


async def test_a_title_trusted_too_little_today_is_held_back_until_verified_again(repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)
    request = RecommendationRequest(k=10, context=NOW)
    ranked = await recommender.hybrid.ranked(Viewer.from_interactions(
        "user:ana", await repo.interactions_of("user:ana")), NOW, 10)

    before = [r.title_id for r in await recommender.recommend("user:ana", request)]
    await repo.upsert_windows([{**catalog.WINDOWS[4], "verified_at": NOW_MS - DAY_MS}])
    after = [r.title_id for r in await recommender.recommend("user:ana", request)]

    assert "title:insider" in [s.title_id for s in ranked]
    assert "title:insider" not in before
    assert "title:insider" in after


async def test_only_subscriptions_and_another_region(repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)

    subscribed = await recommender.recommend("user:ana", RecommendationRequest(context=NOW, only_subscriptions=True))
    in_britain = await recommender.recommend("user:ana", RecommendationRequest(context=NOW, region_id="GB"))

    assert sorted(r.title_id for r in subscribed) == ["title:airplane", "title:collateral"]
    assert [r.title_id for r in in_britain] == ["title:cars"]
    assert in_britain[0].explanation.endswith("on your StreamFlix")


async def test_titles_are_filtered_before_they_are_diversified(repo: GraphRepository) -> None:
    await catalog.load(repo)
    built = await Recommender.build(repo.store)
    hybrid = built.hybrid
    recommender = Recommender(repo.store, built.data, HybridStrategy(
        list(hybrid.strategies.values()), hybrid.popularity, hybrid.vectors, pool=1))
    availability_reads: list[str] = []
    repo.store.add_observer(lambda name, seconds, ok: availability_reads.append(name)
                            if name in ("recommend/available", "recommend/windows_written") else None)

    in_britain = await recommender.recommend("user:ana", RecommendationRequest(k=1, context=NOW, region_id="GB"))

    # diversifying only the best fused title (The Insider) first would leave nothing in Britain; Cars is fifth
    assert [r.title_id for r in in_britain] == ["title:cars"]
    assert availability_reads == ["recommend/windows_written"]  # once, and from the snapshot's windows


async def test_the_snapshot_of_windows_answers_as_the_graph_does_with_what_was_written_since(
        repo: GraphRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    await catalog.load(repo)
    snapshot_filter = (await Recommender.build(repo.store)).filter
    titles = [t["id"] for t in catalog.TITLES]
    asked = [Where(region, NOW_MS + days * DAY_MS, platforms) for region in ("US", "GB", "FR")
             for days in (-60, -31, 0, 29, 31, 89, 90, 120) for platforms in (None, ("streamflix",), ("rentbox",))]

    async def both_ways() -> list[tuple[dict[str, list[Platform]], dict[str, list[Platform]]]]:
        written = await snapshot_filter.written_since_snapshot()
        assert written is not None
        return [(await snapshot_filter.available(titles, where, written),
                 await snapshot_filter.available(titles, where, None)) for where in asked]

    before = await both_ways()
    await repo.upsert_platforms([{"id": "cinevault", "name": "CineVault"}])
    await repo.upsert_windows([
        {**catalog.WINDOWS[0], "available_until": NOW_MS - DAY_MS, "verified_at": NOW_MS},  # Collateral: ended
        {**catalog.WINDOWS[1], "trust_score": 0.3, "verified_at": NOW_MS},  # Airplane!: hardly trusted any more
        {**catalog.WINDOWS[4], "verified_at": NOW_MS - DAY_MS},  # The Insider: verified again
        {**catalog.WINDOWS[5], "platform_id": "cinevault", "region_id": "US"},  # Cars: a new window
    ])
    after = await both_ways()

    assert all(from_snapshot == from_graph for from_snapshot, from_graph in before + after)
    now_in_us = after[asked.index(Where("US", NOW_MS, None))][0]
    assert "title:collateral" not in now_in_us and "title:airplane" not in now_in_us
    assert "title:insider" in now_in_us
    assert now_in_us["title:cars"] == [Platform("cinevault", "CineVault")]
    assert before[asked.index(Where("US", NOW_MS, None))][0].keys() == {"title:collateral", "title:airplane",
                                                                        "title:godfather", "title:shining",
                                                                        "title:heat"}
    monkeypatch.setattr(filters, "MAX_WRITTEN", 3)
    assert await snapshot_filter.written_since_snapshot() is None  # four written: the graph is asked instead


async def test_what_a_viewer_just_watched_is_left_out_at_once(repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)
    await repo.upsert_interactions([catalog._did("ana", "collateral", "watch_complete", 0)])

    results = await recommender.recommend("user:ana", RecommendationRequest(context=NOW))

    assert "title:collateral" not in [r.title_id for r in results]


async def test_rankings_computed_ahead_answer_as_live_ones_and_a_viewer_who_acts_since_is_ranked_live(
        repo: GraphRepository) -> None:
    await catalog.load(repo)
    live = await Recommender.build(repo.store)
    ahead = Recommender.on(repo.store, live.data, await Lineup.of(live.data).ranked_ahead(live.data, viewers=100))
    request = RecommendationRequest(k=5, context=NOW)
    viewers = ["user:ana", "user:ben", "user:cy", "user:dee", "user:fay", "user:gus"]

    held = {name: strategy for name, strategy in ahead.hybrid.strategies.items() if isinstance(strategy, RankedAhead)}
    now_held = [v for v in viewers if held["content"].holds(
        Viewer.from_interactions(v, await repo.interactions_of(v)))]
    answers = {v: (await ahead.recommend(v, request), await live.recommend(v, request)) for v in viewers}
    await repo.upsert_interactions([catalog._did("ana", "collateral", "watch_complete", 0)])
    ana = Viewer.from_interactions("user:ana", await repo.interactions_of("user:ana"))
    ana_after, ana_live = await ahead.recommend("user:ana", request), await live.recommend("user:ana", request)

    assert sorted(held) == ["collaborative", "content"]  # context depends on the moment: always live
    assert now_held == viewers
    assert all(kept == fresh for kept, fresh in answers.values())
    assert "title:collateral" in [r.title_id for r in answers["user:ana"][0]]
    assert not held["content"].holds(ana) and not held["collaborative"].holds(ana)
    assert ana_after == ana_live
    assert "title:collateral" not in [r.title_id for r in ana_after]


async def test_only_the_most_recently_active_viewers_are_ranked_ahead(repo: GraphRepository) -> None:
    data = await loaded(repo)
    recommender = Recommender.on(repo.store, data, await Lineup.of(data).ranked_ahead(data, viewers=2))
    content = recommender.hybrid.strategies["content"]
    latest = sorted(data.viewers.values(), key=lambda v: v.last_seen_at or 0)[-2:]

    assert isinstance(content, RankedAhead)
    assert [v.id for v in data.viewers.values() if content.holds(v)] == sorted(v.id for v in latest)


async def test_a_viewer_without_interactions_gets_popular_available_titles_and_is_told_so(
        repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)

    results = await recommender.recommend("user:eve", RecommendationRequest(k=3, context=NOW))

    # by popularity: Heat, Toy Story (not out yet), Collateral, Cars (not in the US), The Insider (not trusted
    # enough today), The Godfather
    assert [r.title_id for r in results] == ["title:heat", "title:collateral", "title:godfather"]
    assert all(r.reasons[0].kind is ReasonKind.COLD_START for r in results)
    assert results[0].explanation.startswith(
        "popular right now: you have not watched or rated anything yet, so nothing is personal so far; "
        "popular lately: 3 viewers in the past year")


async def test_bad_requests_are_refused_naming_what_is_wrong(repo: GraphRepository) -> None:
    await catalog.load(repo)
    recommender = await Recommender.build(repo.store)

    with pytest.raises(InvalidInput, match="user_id: no user 'user:nobody'"):
        await recommender.recommend("user:nobody")
    with pytest.raises(InvalidInput, match="region_id: user 'user:hal' has no region"):
        await recommender.recommend("user:hal")
    with pytest.raises(InvalidInput, match="only_subscriptions: user 'user:ben' subscribes to no platform"):
        await recommender.recommend("user:ben", RecommendationRequest(only_subscriptions=True))
    with pytest.raises(InvalidInput, match="k: must be between 1 and 100, got 0"):
        await recommender.recommend("user:ana", RecommendationRequest(k=0))
