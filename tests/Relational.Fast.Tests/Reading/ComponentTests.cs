using Bunit;
using Relational.Content;
using Relational.Progress.Components;
using Relational.Reading.Components;

namespace Relational.Tests.Reading;

public sealed class ComponentTests : BunitContext
{
    private static readonly Article Article = ContentLoader.Load(Paths.Content).Articles[0];

    [Fact]
    public void A_pause_point_is_an_aside_named_pause_with_the_part_s_own_prompt()
    {
        var part = Article.Parts[2];

        var pause = Render<PausePoint>(p => p.Add(x => x.Part, part));

        var aside = pause.Find("aside");
        var heading = pause.Find("#" + aside.GetAttribute("aria-labelledby"));
        Assert.Contains("Pause", heading.TextContent, StringComparison.Ordinal);
        Assert.Equal(part.PausePrompt, pause.Find(".pause__prompt").TextContent);
    }

    [Fact]
    public void A_pause_point_without_a_prompt_of_its_own_offers_the_gentle_default()
    {
        var part = Article.Parts[0] with { PausePrompt = null };

        var pause = Render<PausePoint>(p => p.Add(x => x.Part, part));

        Assert.Equal(
            "If it helps, take a slow breath and notice the room around you. You might notice what stayed with you from this part.",
            pause.Find(".pause__prompt").TextContent);
    }

    [Fact]
    public void The_breathing_guide_is_opt_in_and_can_be_closed()
    {
        var pause = Render<PausePoint>(p => p.Add(x => x.Part, Article.Parts[0]));

        var details = pause.Find("details.pause__breathing");
        Assert.False(details.HasAttribute("open"));
        Assert.Contains("Close this to stop it", details.TextContent, StringComparison.Ordinal);
        Assert.Contains("no timer", pause.Find(".pause__note").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quiet_pause_is_a_divider_without_the_breathing_guide()
    {
        var pause = Render<PausePoint>(p => p.Add(x => x.Part, Article.Parts[0]).Add(x => x.Quiet, true));

        Assert.Contains("pause--quiet", pause.Find("aside").ClassName, StringComparison.Ordinal);
        Assert.Empty(pause.FindAll("details"));
    }

    [Fact]
    public void Part_navigation_in_the_middle_offers_next_previous_and_contents()
    {
        var nav = Render<PartNavigation>(p => p.Add(x => x.Article, Article).Add(x => x.Part, Article.Parts[4]));

        var next = nav.Find("a[rel=next]");
        Assert.Equal(Series.PartUrl(6), next.GetAttribute("href"));
        Assert.StartsWith("Continue to the next part", next.TextContent, StringComparison.Ordinal);
        Assert.Equal(Series.PartUrl(4), nav.Find("a[rel=prev]").GetAttribute("href"));
        Assert.Equal(Series.Url + "#contents", nav.Find(".part-nav__contents a").GetAttribute("href"));
    }

    [Fact]
    public void Part_navigation_at_the_ends_has_no_dead_links()
    {
        var first = Render<PartNavigation>(p => p.Add(x => x.Article, Article).Add(x => x.Part, Article.Parts[0]));
        var last = Render<PartNavigation>(p => p.Add(x => x.Article, Article).Add(x => x.Part, Article.Parts[^1]));

        Assert.Empty(first.FindAll("a[rel=prev]"));
        Assert.Single(first.FindAll("a[rel=next]"));
        Assert.Empty(last.FindAll("a[rel=next]"));
        Assert.Contains("last part", last.Find(".part-nav__end").TextContent, StringComparison.Ordinal);
        Assert.Single(last.FindAll(".part-nav__contents a"));
    }

    [Fact]
    public void The_share_control_shows_the_link_as_text_with_no_field_or_button_without_script()
    {
        var url = "https://relational.example" + Series.PartUrl(9);

        var share = Render<ShareControl>(p => p.Add(x => x.Url, url).Add(x => x.Title, "Relationship as Medicine"));

        var address = share.Find("a[data-share-address]");
        Assert.Equal(url, address.GetAttribute("href"));
        Assert.Equal(url, address.TextContent);
        Assert.Equal("Link to this part: " + url, share.Find(".share__link").TextContent);
        // Text browsers show fields and buttons even when hidden: site.js adds them where they work.
        Assert.Empty(share.FindAll("input, button"));
        Assert.Equal("status", share.Find("[data-share-status]").GetAttribute("role"));
    }

    [Fact]
    public void The_contents_list_every_part_in_order_with_a_gentle_length()
    {
        var contents = Render<ArticleContents>(p => p.Add(x => x.Article, Article));

        var links = contents.FindAll("li a");
        Assert.Equal(Article.Parts.Select(s => Series.Url + "/" + s.Slug), links.Select(a => a.GetAttribute("href")));
        Assert.Equal(Article.Parts.Select(s => s.GentleLength), contents.FindAll(".contents__length").Select(l => l.TextContent));
    }

    [Fact]
    public void A_part_shorter_than_a_minute_at_the_site_s_pace_says_under_a_minute_not_about_one()
    {
        // 38–69 words a part: 10–25 seconds at 180 words a minute.
        var contents = Render<ArticleContents>(p => p.Add(x => x.Article, Article));

        Assert.All(Article.Parts, s => Assert.True(s.WordCount < ReadingTime.WordsPerMinute, $"part {s.Number} has {s.WordCount} words"));
        Assert.All(contents.FindAll(".contents__length"), l => Assert.Equal("under a minute", l.TextContent));
    }

    [Theory]
    [InlineData(0, "under a minute")]
    [InlineData(179, "under a minute")]
    [InlineData(180, "about 1 minute")]
    [InlineData(181, "about 2 minutes")]
    [InlineData(900, "about 5 minutes")]
    public void Reading_times_never_overstate_or_round_a_few_seconds_up_to_a_minute(int words, string said)
    {
        Assert.Equal(said, ReadingTime.Gentle(words));
    }
}
