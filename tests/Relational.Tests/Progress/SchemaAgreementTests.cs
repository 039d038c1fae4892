using Microsoft.Data.Sqlite;
using Npgsql;
using Relational.Progress;
using Relational.Tests.Fixtures;

namespace Relational.Tests.Progress;

/// <summary>
/// The schema is written once per dialect (ProgressSchema for SQLite, PostgreSqlStoreMigrations)
/// and the copy tool names the columns it moves across: all three must agree, column by column,
/// or a file copied into PostgreSQL would lose a column nobody noticed.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class SchemaAgreementTests(PostgreSqlCluster cluster)
{
    [Fact]
    public async Task Both_stores_have_the_same_tables_and_columns_and_the_copy_tool_moves_every_one()
    {
        var sqlite = SqliteColumns();
        var postgres = await PostgreSqlColumnsAsync(await cluster.CreateDatabaseAsync());

        Assert.Equal(sqlite.Keys.Order(), postgres.Keys.Order());
        foreach (var (table, columns) in sqlite)
        {
            Assert.Equal(columns, postgres[table]);
        }

        var copied = ProgressStoreCopy.Tables.ToDictionary(
            t => t.Table,
            t => t.Columns.Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal(sqlite.Keys.Order(), copied.Keys.Order());
        foreach (var (table, columns) in sqlite)
        {
            Assert.Equal(columns.Select(c => c.Name), copied[table]);
        }
    }

    /// <summary>A column as both dialects can say it: name, kind of value, whether it may be empty.</summary>
    private sealed record Column(string Name, string Kind, bool Nullable);

    private static Dictionary<string, Column[]> SqliteColumns()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        foreach (var step in ProgressSchema.Steps)
        {
            using var command = connection.CreateCommand();
            command.CommandText = step;
            command.ExecuteNonQuery();
        }

        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var rows = list.ExecuteReader();
            while (rows.Read())
            {
                tables.Add(rows.GetString(0));
            }
        }

        return tables.ToDictionary(table => table, table =>
        {
            using var info = connection.CreateCommand();
            info.CommandText = "SELECT name, type, \"notnull\", pk FROM pragma_table_info($table) ORDER BY cid";
            info.Parameters.AddWithValue("$table", table);
            using var rows = info.ExecuteReader();
            var columns = new List<Column>();
            while (rows.Read())
            {
                // A primary key column is never empty, whether or not it says NOT NULL.
                var nullable = rows.GetInt64(2) == 0 && rows.GetInt64(3) == 0;
                columns.Add(new Column(rows.GetString(0), Kind(rows.GetString(1)), nullable));
            }

            return columns.ToArray();
        });
    }

    private static async Task<Dictionary<string, Column[]>> PostgreSqlColumnsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await PostgreSqlStoreMigrations.MigrateAsync(connection, CancellationToken.None);
        await using var command = new NpgsqlCommand(
            """
            SELECT table_name, column_name, data_type, is_nullable = 'YES'
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'progress_schema'
            ORDER BY table_name, ordinal_position
            """, connection);
        await using var rows = await command.ExecuteReaderAsync();
        var columns = new List<(string Table, Column Column)>();
        while (await rows.ReadAsync())
        {
            columns.Add((rows.GetString(0), new Column(rows.GetString(1), Kind(rows.GetString(2)), rows.GetBoolean(3))));
        }

        return columns.GroupBy(c => c.Table).ToDictionary(g => g.Key, g => g.Select(c => c.Column).ToArray());
    }

    /// <summary>The dialects' names for the same kind of value.</summary>
    private static string Kind(string type) => type.ToUpperInvariant() switch
    {
        "INTEGER" or "BIGINT" => "integer",
        "TEXT" => "text",
        "BLOB" or "BYTEA" => "bytes",
        var other => other,
    };
}
