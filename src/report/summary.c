#include "envdoctor/report.h"

rep_summary rep_count(const ed_file_result *files, size_t n)
{
    rep_summary s = {n, 0, 0, 0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].nfindings; k++) {
            switch (files[i].findings[k].severity) {
            case ED_SEV_ERROR: s.errors++; break;
            case ED_SEV_WARNING: s.warnings++; break;
            case ED_SEV_INFO: s.info++; break;
            case ED_SEV_OFF: break;
            }
        }
    return s;
}
