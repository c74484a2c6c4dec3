# Reference numbers for tests/detector/test_tukey.py and test_anova.py, produced with R's own
# aov() + TukeyHSD() on two classic data sets that ship with R (package "datasets"):
#   chickwts   - chick weight by feed supplement, 71 chicks, 6 unequal groups (10-14): Tukey-Kramer
#   warpbreaks - warp breaks by tension (L, M, H), 54 looms, 3 equal groups of 18
#
# Regenerate (from the repository root, R from Debian's r-base-core package):
#   Rscript tests/detector/data/make_r_tukey_reference.R tests/detector/data
# It writes, for each data set NAME:
#   NAME_data.csv   the observations (group,value) exactly as R holds them
#   NAME_tukey.csv  one row per pair as TukeyHSD prints it: a,b,diff(=mean_b-mean_a),lwr,upr,p_adj
#   NAME_anova.csv  df_between,df_within,f,p from summary(aov(...))
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[[1]] else "."

write_reference <- function(name, value, group) {
  data <- data.frame(group = as.character(group), value = value)
  write.csv(data, file.path(out_dir, paste0(name, "_data.csv")), row.names = FALSE)

  fit <- aov(value ~ group, data = data.frame(value = value, group = group))
  table <- summary(fit)[[1]]
  anova <- data.frame(
    df_between = table[1, "Df"], df_within = table[2, "Df"],
    f = table[1, "F value"], p = table[1, "Pr(>F)"]
  )
  write.csv(format(anova, digits = 17), file.path(out_dir, paste0(name, "_anova.csv")),
            row.names = FALSE, quote = FALSE)

  tukey <- TukeyHSD(fit, conf.level = 0.95)$group
  # R labels a row "b-a" and its diff is mean(b) - mean(a).
  labels <- strsplit(rownames(tukey), "-", fixed = TRUE)
  pairs <- data.frame(
    a = vapply(labels, function(x) x[[2]], ""),
    b = vapply(labels, function(x) x[[1]], ""),
    diff = tukey[, "diff"], lwr = tukey[, "lwr"], upr = tukey[, "upr"], p_adj = tukey[, "p adj"]
  )
  write.csv(format(pairs, digits = 17), file.path(out_dir, paste0(name, "_tukey.csv")),
            row.names = FALSE, quote = FALSE)
}

write_reference("chickwts", datasets::chickwts$weight, datasets::chickwts$feed)
write_reference("warpbreaks", datasets::warpbreaks$breaks, datasets::warpbreaks$tension)
cat("R", R.version$major, ".", R.version$minor, "\n", sep = "")
