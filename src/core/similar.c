#include "envdoctor/similar.h"

#include <ctype.h>

size_t ed_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

int ed_is_typo_of(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d = ed_edit_distance(a, la, b, lb);
    size_t shorter = la < lb ? la : lb;
    return d != (size_t)-1 && d > 0 && d <= (shorter < 6 ? 1 : shorter / 3);
}
