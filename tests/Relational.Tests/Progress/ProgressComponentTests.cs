using System.Reflection;
using System.Reflection.Emit;
using Bunit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Relational.Content;
using Relational.Progress;
using Relational.Progress.Components;

namespace Relational.Tests.Progress;

/// <summary>The contents with states, the continue offer and the progress forms, rendered alone.</summary>
public sealed class ProgressComponentTests : BunitContext, IClassFixture<SiteFactory>
{
    public ProgressComponentTests(SiteFactory site) =>
        // The forms' addresses come from the site's own routes.
        Services.AddSingleton(site.Services.GetRequiredService<LinkGenerator>());

    private static readonly Article Article = ContentLoader.Load(Paths.Content).FindArticle(Series.Slug)!;
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static ReaderProgress ProgressOf(SavedPlace? saved = null, params (int Part, bool Finished, int Minute)[] parts) => new(
        T0, T0, saved,
        [.. parts.Select(p => new PartProgress(Ref(p.Part), T0.AddMinutes(p.Minute), T0.AddMinutes(p.Minute), p.Finished ? T0.AddMinutes(p.Minute + 1) : null))],
        null, 1);

    private static PartRef Ref(int part) => PartRef.Of(Article, Article.Parts[part - 1]);

    [Fact]
    public void Contents_without_progress_show_no_states()
    {
        var contents = Render<ArticleContents>(p => p.Add(c => c.Article, Article));

        Assert.Empty(contents.FindAll(".contents__state"));
        Assert.Equal(10, contents.FindAll(".contents__item").Count);
    }

    [Fact]
    public void Contents_name_each_state_in_words_with_a_hidden_icon()
    {
        var progress = ProgressOf(null, (1, true, 0), (2, false, 5));

        var contents = Render<ArticleContents>(p => p.Add(c => c.Article, Article).Add(c => c.Progress, progress));

        var items = contents.FindAll(".contents__item");
        Assert.Equal("✓ Finished", items[0].QuerySelector(".contents__state")!.TextContent);
        Assert.Equal("◐ Started", items[1].QuerySelector(".contents__state")!.TextContent);
        Assert.Null(items[2].QuerySelector(".contents__state"));
        Assert.All(contents.FindAll(".contents__state > span"), icon => Assert.Equal("true", icon.GetAttribute("aria-hidden")));
    }

    [Fact]
    public void The_offer_prefers_the_saved_place()
    {
        var progress = ProgressOf(new SavedPlace(Ref(2), T0), (2, false, 0), (5, false, 9));

        var offer = Render<ContinueOffer>(p => p.Add(c => c.Article, Article).Add(c => c.Progress, progress));

        var link = offer.Find("a");
        Assert.Equal($"Continue from part 2: {Article.Parts[1].Title}", link.TextContent);
        Assert.Equal(Article.PartUrl(Article.Parts[1]), link.GetAttribute("href"));
    }

    [Fact]
    public void Without_a_saved_place_the_offer_is_the_last_part_opened()
    {
        var progress = ProgressOf(null, (7, false, 1), (3, true, 30), (4, false, 12));

        var offer = Render<ContinueOffer>(p => p.Add(c => c.Article, Article).Add(c => c.Progress, progress));

        Assert.StartsWith("Continue from part 3:", offer.Find("a").TextContent);
    }

    [Fact]
    public void Nothing_is_offered_before_anything_was_opened()
    {
        // A reader who opted in gets only the empty place an offer would fill (refreshed after Back).
        Assert.Empty(Render<ContinueOffer>(p => p.Add(c => c.Article, Article).Add(c => c.Progress, ProgressOf())).Find("[data-marks]").InnerHtml.Trim());
        Assert.Empty(Render<ContinueOffer>(p => p.Add(c => c.Article, Article)).Markup.Trim());
    }

    [Fact]
    public void Before_opting_in_the_controls_offer_only_to_remember()
    {
        var controls = Render<ProgressControls>(p => p.Add(c => c.Article, Article).Add(c => c.Part, Article.Parts[3]).Add(c => c.View, ProgressView.Off));

        var form = Assert.Single(controls.FindAll("form"));
        Assert.Equal("/progress/remember", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(Article.Parts[3].Slug, form.QuerySelector("input[name=part]")!.GetAttribute("value"));
        Assert.Contains("Remember my place on this device", form.TextContent);
        Assert.Contains("erase it any time", controls.Find(".progress-controls__note").TextContent);
    }

    [Fact]
    public void After_opting_in_a_part_offers_finished_and_save()
    {
        var view = new ProgressView(ProgressStatus.On, ProgressOf(null, (4, false, 0)), ProgressOutcome.Saved);

        var controls = Render<ProgressControls>(p => p.Add(c => c.Article, Article).Add(c => c.Part, Article.Parts[3]).Add(c => c.View, view));

        Assert.Equal(["/progress/finished", "/progress/save"], controls.FindAll("form").Select(f => f.GetAttribute("action")!));
        Assert.Contains("I’ve finished this part", controls.Markup);
        Assert.Equal("Your place is saved here.", controls.Find("#outcome").TextContent);
    }

    [Fact]
    public void A_finished_part_no_longer_offers_to_finish_it()
    {
        var view = new ProgressView(ProgressStatus.On, ProgressOf(null, (4, true, 0)), null);

        var controls = Render<ProgressControls>(p => p.Add(c => c.Article, Article).Add(c => c.Part, Article.Parts[3]).Add(c => c.View, view));

        Assert.Equal(["/progress/save"], controls.FindAll("form").Select(f => f.GetAttribute("action")!));
    }

    [Fact]
    public void When_the_store_is_unavailable_the_controls_say_so_calmly_and_offer_nothing()
    {
        var view = new ProgressView(ProgressStatus.Unavailable, null, ProgressOutcome.Unavailable);

        var controls = Render<ProgressControls>(p => p.Add(c => c.Article, Article).Add(c => c.View, view));

        Assert.Empty(controls.FindAll("form"));
        Assert.Contains("couldn’t save that right now", controls.Find("#outcome").TextContent);
    }

    [Fact]
    public void Progress_uses_nothing_of_Reading_while_Reading_shows_progress()
    {
        var progressUsesReading = UsesBetween("Relational.Progress", "Relational.Reading");
        var readingUsesProgress = UsesBetween("Relational.Reading", "Relational.Progress");

        Assert.True(progressUsesReading.Count == 0, string.Join("\n", progressUsesReading));
        // The one direction allowed is seen, views and components included: the scan reads them.
        Assert.Contains(readingUsesProgress, use => use.EndsWith("uses Relational.Progress.Components.ProgressControls", StringComparison.Ordinal));
    }

    [Fact]
    public void The_offline_copy_uses_nothing_of_Progress()
    {
        // Keeping a copy on the device is for every reader, opted in or not; the progress page
        // offers it, never the other way round.
        var offlineUsesProgress = UsesBetween("Relational.Offline", "Relational.Progress");

        Assert.True(offlineUsesProgress.Count == 0, string.Join("\n", offlineUsesProgress));
    }

    [Fact]
    public void An_unknown_outcome_in_the_query_shows_nothing()
    {
        Assert.Null(ProgressOutcome.FromQuery(new Microsoft.AspNetCore.Http.DefaultHttpContext { Request = { QueryString = new("?progress=<script>") } }.Request));
        Assert.Equal(ProgressOutcome.Saved, ProgressOutcome.FromQuery(new Microsoft.AspNetCore.Http.DefaultHttpContext { Request = { QueryString = new("?progress=saved") } }.Request));
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .DistinctBy(code => code.Value)
        .ToDictionary(code => code.Value);

    /// <summary>
    /// "A uses B" for each type of the site in one namespace (or below it) that uses a type in the
    /// other: in its signatures, attributes and method bodies, so compiled views and components
    /// (which name a component only in code) count as well.
    /// </summary>
    private static List<string> UsesBetween(string from, string to) =>
        [.. typeof(ProgressView).Assembly.GetTypes()
            .Where(type => IsIn(type, from))
            .SelectMany(type => TypesUsedBy(type).Where(used => IsIn(used, to)).Select(used => $"{type.FullName} uses {used.FullName}"))
            .Distinct()];

    private static bool IsIn(Type type, string space) =>
        type.Namespace is { } name && (name == space || name.StartsWith(space + ".", StringComparison.Ordinal));

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var used = new List<Type>(type.GetInterfaces());
        used.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        used.AddRange(type.GetFields(declared).Select(f => f.FieldType));
        used.AddRange(type.GetProperties(declared).Select(p => p.PropertyType));
        if (type.BaseType is { } baseType)
        {
            used.Add(baseType);
        }

        foreach (var method in type.GetMethods(declared).Concat<MethodBase>(type.GetConstructors(declared)))
        {
            used.AddRange(method.GetParameters().Select(p => p.ParameterType));
            used.AddRange(method.GetCustomAttributesData().Select(a => a.AttributeType));
            used.AddRange(InBody(method));
            if (method is MethodInfo { ReturnType: var returned })
            {
                used.Add(returned);
            }
        }

        return used.SelectMany(Unwrapped);
    }

    /// <summary>A type with the types it is made of: element types and generic arguments.</summary>
    private static IEnumerable<Type> Unwrapped(Type type)
    {
        yield return type;
        if (type.GetElementType() is { } element)
        {
            foreach (var inner in Unwrapped(element))
            {
                yield return inner;
            }
        }

        if (type.IsConstructedGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrapped))
            {
                yield return inner;
            }
        }
    }

    /// <summary>The types a method's IL names: in typeof, casts, calls, field reads and writes.</summary>
    private static List<Type> InBody(MethodBase method)
    {
        var found = new List<Type>();
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        for (var at = 0; at < il.Length;)
        {
            var code = il[at] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[at + 1]))] : OpCodesByValue[il[at]];
            at += code.Size;
            if (code.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                switch (Resolve(method, BitConverter.ToInt32(il, at)))
                {
                    case Type named:
                        found.Add(named);
                        break;
                    case FieldInfo field:
                        found.AddRange([field.DeclaringType!, field.FieldType]);
                        break;
                    case MethodBase called:
                        found.Add(called.DeclaringType!);
                        found.AddRange(called.GetParameters().Select(p => p.ParameterType));
                        if (called is MethodInfo calledMethod)
                        {
                            found.Add(calledMethod.ReturnType);
                            found.AddRange(calledMethod.GetGenericArguments());
                        }

                        break;
                }
            }

            at += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
        }

        return found;
    }

    private static MemberInfo? Resolve(MethodBase method, int token)
    {
        try
        {
            return method.Module.ResolveMember(
                token,
                method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
        }
        catch (ArgumentException)
        {
            // A token of another kind (a signature) or an open generic context: nothing to name.
            return null;
        }
    }
}
