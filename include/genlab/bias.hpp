#ifndef GENLAB_BIAS_HPP
#define GENLAB_BIAS_HPP
// genlab::bias — inductive-bias estimators:
//   complexity.hpp            model-agnostic inductive bias complexity Ĩ (Boopathy et al., ICML 2023)
//   intrinsic_dimension.hpp   Levina–Bickel / MacKay–Ghahramani MLE and TwoNN (scikit-dimension's definitions)
//   knn.hpp                   blocked-GEMM exact k-nearest neighbours, duplicate detection
//   resolution.hpp            R and δ (sampled minimum inter-class distance, extreme-value estimator)
//   noncentral_chi_squared.hpp  log-space noncentral χ² CDF/density, Sankaran compatibility mode
//   generalized_chi_square_tail.hpp  exact log CDF of a GP hypothesis's loss law, deep in the tail
//   loss_model.hpp            the fitted loss-model record ScaledNcx2; names for stats' ncx2 fits
//   mlp_space.hpp             exact inductive bias of trained MLPs per architecture (width, depth)
//   gp_posterior.hpp          kernels (RBF, Laplace, arc-cosine) and the GP posterior by Cholesky
//   exact.hpp                 exact inductive bias (Boopathy et al., IJCAI 2024) with intervals

#include "genlab/bias/complexity.hpp"
#include "genlab/bias/exact.hpp"
#include "genlab/bias/generalized_chi_square_tail.hpp"
#include "genlab/bias/gp_posterior.hpp"
#include "genlab/bias/intrinsic_dimension.hpp"
#include "genlab/bias/knn.hpp"
#include "genlab/bias/loss_model.hpp"
#include "genlab/bias/mlp_space.hpp"
#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/bias/resolution.hpp"

#endif  // GENLAB_BIAS_HPP
