#ifndef GENLAB_STATS_HPP
#define GENLAB_STATS_HPP
// genlab::stats — distributions as value types with free functions (Boost.Math's manner); depends
// only on genlab/core:
//   constants.hpp                       π, ln 2, ... as correctly rounded doubles
//   normal.hpp                          ln Φ(z) without underflow
//   noncentral_chi_squared.hpp          χ'²_ν(λ): cdf/log_cdf/survival/pdf/quantile/cumulants, log space
//   scaled_noncentral_chi_squared.hpp   s·χ'²_ν(λ), the loss model of the exact inductive bias
//   generalized_chi_squared.hpp         Σ w_j χ'²_{h_j}(δ_j) + offset: one exact CDF for every regime
//   noncentral_chi_squared_fit.hpp      cumulant / Satterthwaite fits and the Ncx2FitMethod enum
//   noncentral_chi_squared_mle.hpp      maximum-likelihood fit of s·χ'²_ν(λ) to a sample (Newton)

#include "genlab/stats/constants.hpp"
#include "genlab/stats/intervals.hpp"
#include "genlab/stats/generalized_chi_squared.hpp"
#include "genlab/stats/noncentral_chi_squared.hpp"
#include "genlab/stats/noncentral_chi_squared_fit.hpp"
#include "genlab/stats/noncentral_chi_squared_mle.hpp"
#include "genlab/stats/normal.hpp"
#include "genlab/stats/scaled_noncentral_chi_squared.hpp"

#endif  // GENLAB_STATS_HPP
