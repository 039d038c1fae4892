# syntax=docker/dockerfile:1
# Build: the SDK image publishes a Release build.
# Publishing for the target architecture makes it a ReadyToRun build (see the .csproj), faster to
# start, that carries only that runtime's native files (about 25 MB in all).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Relational.Web/Relational.Web.csproj src/Relational.Web/
RUN dotnet restore src/Relational.Web/Relational.Web.csproj -a "$TARGETARCH"
COPY src/ src/
RUN dotnet publish src/Relational.Web/Relational.Web.csproj -c Release -a "$TARGETARCH" --self-contained false -o /app --no-restore

# Run: the ASP.NET runtime only, as a non-root user, content beside the app, data in a volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
COPY content/ ./content/
RUN mkdir -p /data && chown "$APP_UID" /data
# Site__PublicOrigin is the operator's to give (docker run -e Site__PublicOrigin=https://reading.example.org):
# without it the site refuses to start, saying so in one line, since every page's links are built from it.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Content__Path=/app/content \
    Content__WatchForChanges=false \
    Progress__DatabasePath=/data/progress.db
VOLUME ["/data"]
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["dotnet", "Relational.Web.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "Relational.Web.dll"]
