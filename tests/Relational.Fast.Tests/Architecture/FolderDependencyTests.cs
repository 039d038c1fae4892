using Mono.Cecil;

namespace Relational.Tests.Architecture;

/// <summary>
/// The site's feature folders depend one way, read from the compiled assembly (pages, views and
/// components included): a folder uses only the folders below it. Site is the base (options, page
/// head data, logging, endpoint metadata); Content sits on it; Safety, Readership (counted by the
/// features after it), Offline, Progress and Reading are features, each using those before it.
/// Reading, on top, holds the pages that draw on the others (staying safe) and decides every page's
/// head; Performance wraps the pages and Shared holds the layout around them.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly string[] Layers = ["Site", "Content", "Safety", "Readership", "Offline", "Progress", "Reading", "Performance", "Shared"];

    [Fact]
    public void Every_folder_uses_only_the_folders_below_it()
    {
        var graph = FolderGraph.Read();

        Assert.Subset(Layers.ToHashSet(), graph.Keys.Concat(graph.Values.SelectMany(v => v)).ToHashSet());
        var upward = graph
            .SelectMany(e => e.Value.Select(to => (From: e.Key, To: to)))
            .Where(e => Array.IndexOf(Layers, e.To) > Array.IndexOf(Layers, e.From))
            .Select(e => $"{e.From} -> {e.To}")
            .Order()
            .ToList();
        Assert.Empty(upward);
    }
}

/// <summary>Which folder's types use which other folder's, from the types' signatures and IL.</summary>
internal static class FolderGraph
{

    public static Dictionary<string, HashSet<string>> Read()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Program).Assembly.Location);
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in module.GetTypes())
        {
            var from = FolderOf(type);
            if (from is null)
            {
                continue;
            }

            foreach (var used in Uses(type))
            {
                if (used.Module == module && FolderOf(used) is { } to && to != from)
                {
                    (graph.TryGetValue(from, out var set) ? set : graph[from] = []).Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>The feature folder of a type: its namespace, or for a view its generated name (Reading_Cover).</summary>
    private static string? FolderOf(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        if (type.Namespace == "AspNetCoreGeneratedDocument")
        {
            return type.Name.Split('_')[0];
        }

        var parts = type.Namespace.Split('.');
        return parts.Length >= 2 && parts[0] == "Relational" ? parts[1] : null;
    }

    private static List<TypeReference> Uses(TypeDefinition type)
    {
        IEnumerable<TypeReference> Expand(TypeReference? t)
        {
            if (t is null)
            {
                yield break;
            }

            yield return t.GetElementType();
            if (t is GenericInstanceType generic)
            {
                foreach (var argument in generic.GenericArguments.SelectMany(Expand))
                {
                    yield return argument;
                }
            }
        }

        var found = new List<TypeReference>();
        found.AddRange(Expand(type.BaseType));
        found.AddRange(type.Interfaces.SelectMany(i => Expand(i.InterfaceType)));
        found.AddRange(type.CustomAttributes.SelectMany(a => Expand(a.AttributeType)));
        found.AddRange(type.Fields.SelectMany(f => Expand(f.FieldType)));
        found.AddRange(type.Properties.SelectMany(p => Expand(p.PropertyType)));
        foreach (var method in type.Methods)
        {
            found.AddRange(Expand(method.ReturnType));
            found.AddRange(method.Parameters.SelectMany(p => Expand(p.ParameterType)));
            found.AddRange(method.CustomAttributes.SelectMany(a => Expand(a.AttributeType)));
            if (!method.HasBody)
            {
                continue;
            }

            found.AddRange(method.Body.Variables.SelectMany(v => Expand(v.VariableType)));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        found.AddRange(Expand(t));
                        break;
                    case MemberReference m:
                        found.AddRange(Expand(m.DeclaringType));
                        if (m is MethodReference r)
                        {
                            found.AddRange(Expand(r.ReturnType));
                            if (r is GenericInstanceMethod g)
                            {
                                found.AddRange(g.GenericArguments.SelectMany(Expand));
                            }
                        }
                        else if (m is FieldReference f)
                        {
                            found.AddRange(Expand(f.FieldType));
                        }

                        break;
                }
            }
        }

        return found;
    }
}
