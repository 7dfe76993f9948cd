# Sourced by ci/deps.sh and ci/private-apt.sh: find the archive URI the
# machine's own apt sources already use for a Debian suite, so no archive host
# is ever named in this repository.
#
# archive_uri RELEASE   prints the first URI of a `deb` source whose suites
#                       include RELEASE exactly (deb822 files first, then the
#                       one-line /etc/apt/sources.list); prints nothing when
#                       there is none.
archive_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: a stanza whose Suites has the plain release name
    awk -v rel="$1" '
      BEGIN { RS=""; FS="\n" }
      {
        uri=""; ok=0; deb=0
        for (i=1;i<=NF;i++) {
          if ($i ~ /^URIs:/)   { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uri=u[1] }
          if ($i ~ /^Suites:/) { n=split($i, s, /[ \t]+/); for (j=2;j<=n;j++) if (s[j]==rel) ok=1 }
          if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb=1
        }
        if (ok && deb && uri!="") { print uri; exit }
      }' "$f"
  done | head -n1
  if [ -f /etc/apt/sources.list ]; then
    awk -v rel="$1" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==rel) { print $i; exit } }' /etc/apt/sources.list
  fi
}
