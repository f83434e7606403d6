import type { CommandGroup } from '../../command'
import { createProduct } from './create'
import { getProduct } from './get'
import { productImagesCommands } from './images'
import { listProducts } from './list'
import { updateProduct } from './update'

export const productsCommands: CommandGroup = {
  name: 'products', summary: 'Your catalog', commands: [createProduct, listProducts, getProduct, updateProduct], groups: [productImagesCommands],
}
